/*
 * elf_check.c: is a plugin file a complete ELF shared object of this machine? Only the
 * headers are read, with pread on an fd opened without blocking, never mapped: mapping a
 * file that is shorter than its headers say is how the dynamic loader gets its SIGBUS.
 */
#include "plugin/elf_check.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The machine this build runs on, decided by the compiler that built it. */
#if defined(__x86_64__)
#define VS_ELF_MACHINE EM_X86_64
#elif defined(__aarch64__)
#define VS_ELF_MACHINE EM_AARCH64
#elif defined(__riscv) && __riscv_xlen == 64
#define VS_ELF_MACHINE EM_RISCV
#elif defined(__powerpc64__)
#define VS_ELF_MACHINE EM_PPC64
#elif defined(__s390x__)
#define VS_ELF_MACHINE EM_S390
#else
#error "vswitchsim: add this machine's ELF e_machine to elf_check.c"
#endif

#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define VS_ELF_DATA ELFDATA2LSB
#else
#define VS_ELF_DATA ELFDATA2MSB
#endif

/* Plugins share the simulator's address space, so they are this build's 64-bit class. */
_Static_assert(sizeof(void *) == 8, "elf_check.c checks for ELFCLASS64 only");

/* Where the bytes come from: a file (fd) or memory (data). */
typedef struct elf_src {
    int fd;
    const unsigned char *data;
    uint64_t size;
} elf_src;

static bool src_read(const elf_src *s, void *dst, size_t n, uint64_t off)
{
    if (off > s->size || n > s->size - off)
        return false;
    if (s->data) {
        memcpy(dst, s->data + off, n);
        return true;
    }
    for (size_t got = 0; got < n;) {
        ssize_t r = pread(s->fd, (char *)dst + got, n - got, (off_t)(off + got));
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return false; /* shrank under us, or an I/O error: not a file to load */
        got += (size_t)r;
    }
    return true;
}

static int refuse(char *why, size_t why_size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int refuse(char *why, size_t why_size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, why_size, fmt, ap);
    va_end(ap);
    return -1;
}

static const char *machine_name(unsigned m, char buf[32])
{
    switch (m) {
    case EM_X86_64:
        return "x86-64";
    case EM_386:
        return "i386";
    case EM_AARCH64:
        return "AArch64";
    case EM_ARM:
        return "ARM";
    case EM_RISCV:
        return "RISC-V";
    case EM_PPC64:
        return "PowerPC64";
    case EM_S390:
        return "s390x";
    default:
        snprintf(buf, 32, "machine %u", m);
        return buf;
    }
}

static const char *type_name(unsigned t)
{
    switch (t) {
    case ET_REL:
        return "a relocatable object (ET_REL), not a shared object";
    case ET_EXEC:
        return "an executable (ET_EXEC), not a shared object";
    case ET_CORE:
        return "a core dump (ET_CORE), not a shared object";
    default:
        return "not a shared object (unknown e_type)";
    }
}

/* Magic, class, byte order: what says the file is ELF at all and of our kind. */
static int check_ident(const elf_src *s, char *why, size_t n)
{
    unsigned char id[EI_NIDENT] = {0};
    if (!src_read(s, id, SELFMAG, 0) || memcmp(id, ELFMAG, SELFMAG) != 0)
        return refuse(why, n, "not an ELF shared object (no ELF magic)");
    if (!src_read(s, id, EI_NIDENT, 0))
        return refuse(why, n, "truncated: %" PRIu64 " bytes, shorter than an ELF header", s->size);
    if (id[EI_CLASS] != ELFCLASS64)
        return refuse(why, n, "a %s ELF file (want 64-bit)",
                      id[EI_CLASS] == ELFCLASS32 ? "32-bit" : "bad-class");
    if (id[EI_DATA] != VS_ELF_DATA)
        return refuse(why, n, "ELF byte order %s (want %s)",
                      id[EI_DATA] == ELFDATA2MSB ? "big-endian" : "unknown",
                      VS_ELF_DATA == ELFDATA2LSB ? "little-endian" : "big-endian");
    if (id[EI_VERSION] != EV_CURRENT)
        return refuse(why, n, "ELF version %u (want %u)", id[EI_VERSION], EV_CURRENT);
    return 0;
}

static int check_header(const Elf64_Ehdr *eh, char *why, size_t n)
{
    char buf[32], want[32];
    if (eh->e_type != ET_DYN)
        return refuse(why, n, "%s", type_name(eh->e_type));
    if (eh->e_machine != VS_ELF_MACHINE)
        return refuse(why, n, "built for %s (want %s)", machine_name(eh->e_machine, buf),
                      machine_name(VS_ELF_MACHINE, want));
    if (eh->e_phnum == 0 || eh->e_phnum == PN_XNUM)
        return refuse(why, n, "ELF header gives %s program headers",
                      eh->e_phnum ? "an extended count of" : "no");
    if (eh->e_phentsize != sizeof(Elf64_Phdr))
        return refuse(why, n, "program header entries of %u bytes (want %zu)", eh->e_phentsize,
                      sizeof(Elf64_Phdr));
    if (eh->e_shoff && eh->e_shnum && eh->e_shentsize != sizeof(Elf64_Shdr))
        return refuse(why, n, "section header entries of %u bytes (want %zu)", eh->e_shentsize,
                      sizeof(Elf64_Shdr));
    return 0;
}

/* Does [off, off + len) lie within the file? Overflow counts as no. */
static bool within(uint64_t off, uint64_t len, uint64_t size)
{
    return off <= size && len <= size - off;
}

static int check_phdr_table(const elf_src *s, const Elf64_Ehdr *eh, char *why, size_t n)
{
    uint64_t len = (uint64_t)eh->e_phnum * sizeof(Elf64_Phdr);
    if (!within(eh->e_phoff, len, s->size))
        return refuse(why, n,
                      "truncated: program headers end at byte %" PRIu64 ", the file has %" PRIu64
                      " bytes",
                      eh->e_phoff + len, s->size);
    return 0;
}

static int check_shdr_table(const elf_src *s, const Elf64_Ehdr *eh, char *why, size_t n)
{
    /* e_shnum 0 with an offset: the count is in the first entry, which must be there. */
    uint64_t len = (uint64_t)(eh->e_shnum ? eh->e_shnum : 1) * sizeof(Elf64_Shdr);
    if (eh->e_shoff && !within(eh->e_shoff, len, s->size))
        return refuse(why, n,
                      "truncated: section headers end at byte %" PRIu64 ", the file has %" PRIu64
                      " bytes",
                      eh->e_shoff + len, s->size);
    return 0;
}

/* Every segment's bytes in the file: PT_LOAD ones are mapped, the others read. */
static int check_segments(const elf_src *s, const Elf64_Ehdr *eh, char *why, size_t n)
{
    for (unsigned i = 0; i < eh->e_phnum; i++) {
        Elf64_Phdr ph;
        if (!src_read(s, &ph, sizeof ph, eh->e_phoff + (uint64_t)i * sizeof ph))
            return refuse(why, n, "program header %u could not be read", i);
        if (ph.p_filesz == 0 || within(ph.p_offset, ph.p_filesz, s->size))
            continue;
        char type[24];
        snprintf(type, sizeof type, ph.p_type == PT_LOAD ? "PT_LOAD" : "type 0x%x",
                 (unsigned)ph.p_type);
        return refuse(why, n,
                      "truncated: segment %u (%s) ends at byte %" PRIu64 ", the file has %" PRIu64
                      " bytes",
                      i, type, ph.p_offset + ph.p_filesz, s->size);
    }
    return 0;
}

static int check(const elf_src *s, char *why, size_t n)
{
    Elf64_Ehdr eh;
    if (check_ident(s, why, n) != 0)
        return -1;
    if (!src_read(s, &eh, sizeof eh, 0))
        return refuse(why, n, "truncated: %" PRIu64 " bytes, shorter than an ELF header", s->size);
    /* Segments before sections: a truncated file is best told by the code it lost. */
    if (check_header(&eh, why, n) != 0 || check_phdr_table(s, &eh, why, n) != 0 ||
        check_segments(s, &eh, why, n) != 0)
        return -1;
    return check_shdr_table(s, &eh, why, n);
}

int vs_elf_check_buffer(const void *data, size_t size, char *why, size_t why_size)
{
    elf_src s = {-1, data, size};
    return check(&s, why, why_size);
}

/* Open, then fstat the fd: what is checked is what was opened, with no window for the
 * path to change in between, as stat-then-open would leave. O_NONBLOCK so that a FIFO
 * opens at once (a blocking open waits for a writer forever); it is refused right after,
 * and a regular file's reads ignore the flag. */
int vs_elf_check_file(const char *path, char *why, size_t why_size)
{
    struct stat st;
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0)
        return refuse(why, why_size, "%s", strerror(errno));
    int rc = 0;
    if (fstat(fd, &st) != 0)
        rc = refuse(why, why_size, "%s", strerror(errno));
    else if (!S_ISREG(st.st_mode))
        rc = refuse(why, why_size, "not a regular file");
    else {
        elf_src s = {fd, NULL, (uint64_t)st.st_size};
        rc = check(&s, why, why_size);
    }
    close(fd);
    return rc;
}

/* ---- Imports ----------------------------------------------------------------------- */

/* The section `index`, or false. */
static bool read_section(const elf_src *s, const Elf64_Ehdr *eh, unsigned index, Elf64_Shdr *sh)
{
    return index < eh->e_shnum &&
           src_read(s, sh, sizeof *sh, eh->e_shoff + (uint64_t)index * sizeof *sh);
}

/* A section's bytes, malloc'd; NULL if they are not all in the file (or no memory). */
static void *load_section(const elf_src *s, const Elf64_Shdr *sh)
{
    if (sh->sh_size > s->size || !within(sh->sh_offset, sh->sh_size, s->size))
        return NULL;
    void *p = malloc(sh->sh_size ? sh->sh_size : 1);
    if (p && !src_read(s, p, sh->sh_size, sh->sh_offset)) {
        free(p);
        return NULL;
    }
    return p;
}

static int each_import(const elf_src *s, int (*fn)(const char *, void *), void *ctx)
{
    Elf64_Ehdr eh;
    Elf64_Shdr sh, strsh;
    if (!src_read(s, &eh, sizeof eh, 0))
        return -1;
    for (unsigned i = 0; i < eh.e_shnum; i++) {
        if (!read_section(s, &eh, i, &sh))
            return -1;
        if (sh.sh_type != SHT_DYNSYM)
            continue;
        if (!read_section(s, &eh, sh.sh_link, &strsh))
            return -1;
        Elf64_Sym *syms = load_section(s, &sh);
        char *names = load_section(s, &strsh);
        int rc = syms && names && strsh.sh_size ? 0 : -1;
        size_t n = sh.sh_entsize == sizeof *syms ? sh.sh_size / sizeof *syms : 0;
        for (size_t k = 1; rc == 0 && k < n; k++) { /* entry 0 is the null symbol */
            const Elf64_Sym *y = &syms[k];
            if (y->st_shndx != SHN_UNDEF || ELF64_ST_BIND(y->st_info) != STB_GLOBAL ||
                y->st_name >= strsh.sh_size ||
                memchr(names + y->st_name, 0, strsh.sh_size - y->st_name) == NULL)
                continue;
            if (names[y->st_name] && fn(names + y->st_name, ctx) != 0)
                break;
        }
        free(syms);
        free(names);
        return rc;
    }
    return 0; /* no dynamic symbols: nothing imported */
}

int vs_elf_each_import(const char *path, int (*fn)(const char *name, void *ctx), void *ctx)
{
    struct stat st;
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0)
        return -1;
    int rc = -1;
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
        elf_src s = {fd, NULL, (uint64_t)st.st_size};
        rc = each_import(&s, fn, ctx);
    }
    close(fd);
    return rc;
}
