/*
 * test-elf_check.c: the plugin file check (sim/plugin/elf_check.c) on a real fixture
 * plugin: whole, it passes; cut short anywhere, or with a header field changed, it is
 * refused with one line that says what is wrong; not a regular file, it is refused.
 */
#include <criterion/criterion.h>
#include <elf.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "plugin/elf_check.h"

typedef struct image {
    unsigned char *data;
    size_t size;
} image;

static void fixture_path(char path[1024])
{
    const char *dir = getenv("VSWITCHSIM_TEST_PLUGIN_DIR");
    cr_assert_not_null(dir, "VSWITCHSIM_TEST_PLUGIN_DIR is not set (run through ctest)");
    snprintf(path, 1024, "%s/good.so", dir);
}

/* The good fixture plugin's bytes. */
static image good_image(void)
{
    char path[1024];
    fixture_path(path);
    FILE *f = fopen(path, "rb");
    cr_assert_not_null(f, "cannot open %s", path);
    fseek(f, 0, SEEK_END);
    image im = {NULL, (size_t)ftell(f)};
    rewind(f);
    im.data = malloc(im.size);
    cr_assert_not_null(im.data);
    cr_assert_eq(fread(im.data, 1, im.size, f), im.size);
    fclose(f);
    return im;
}

static void expect_refused(const image *im, size_t size, const char *why)
{
    char got[256] = "";
    cr_assert_eq(vs_elf_check_buffer(im->data, size, got, sizeof got), -1,
                 "%zu bytes passed (want \"%s\")", size, why);
    cr_assert_null(strchr(got, '\n'), "more than one line: %s", got);
    cr_assert(strstr(got, why), "%zu bytes: expected \"%s\" in: %s", size, why, got);
}

static Elf64_Ehdr *header(image *im)
{
    return (Elf64_Ehdr *)(void *)im->data;
}

Test(elf_check, whole_plugin_passes)
{
    image im = good_image();
    char why[256] = "";
    cr_assert_eq(vs_elf_check_buffer(im.data, im.size, why, sizeof why), 0, "%s", why);
    free(im.data);
}

Test(elf_check, whole_plugin_file_passes)
{
    char path[1024], why[256] = "";
    fixture_path(path);
    cr_assert_eq(vs_elf_check_file(path, why, sizeof why), 0, "%s", why);
}

Test(elf_check, every_truncation_is_refused)
{
    image im = good_image();
    /* Each size names the first part of the file it cuts into. */
    expect_refused(&im, 0, "no ELF magic");
    expect_refused(&im, 3, "no ELF magic");
    expect_refused(&im, 10, "shorter than an ELF header");
    expect_refused(&im, sizeof(Elf64_Ehdr) - 1, "shorter than an ELF header");
    expect_refused(&im, sizeof(Elf64_Ehdr) + 1, "truncated: program headers end");
    expect_refused(&im, 3000, "truncated: segment");
    expect_refused(&im, im.size / 2, "truncated:");
    expect_refused(&im, im.size - 1, "truncated:");
    free(im.data);
}

Test(elf_check, any_size_short_of_the_whole_is_refused)
{
    image im = good_image();
    char why[256];
    for (size_t size = 0; size < im.size; size += 97)
        cr_assert_eq(vs_elf_check_buffer(im.data, size, why, sizeof why), -1,
                     "%zu of %zu bytes passed", size, im.size);
    free(im.data);
}

Test(elf_check, foreign_headers_are_refused)
{
    image im = good_image();
    im.data[EI_CLASS] = ELFCLASS32;
    expect_refused(&im, im.size, "a 32-bit ELF file (want 64-bit)");
    im.data[EI_CLASS] = ELFCLASS64;
    im.data[EI_DATA] = ELFDATA2MSB;
    expect_refused(&im, im.size, "ELF byte order big-endian");
    im.data[EI_DATA] = ELFDATA2LSB;
    header(&im)->e_type = ET_EXEC;
    expect_refused(&im, im.size, "an executable (ET_EXEC), not a shared object");
    header(&im)->e_type = ET_REL;
    expect_refused(&im, im.size, "a relocatable object (ET_REL)");
    header(&im)->e_type = ET_DYN;
    header(&im)->e_machine = header(&im)->e_machine == EM_AARCH64 ? EM_X86_64 : EM_AARCH64;
    expect_refused(&im, im.size, "built for ");
    free(im.data);
}

Test(elf_check, corrupt_tables_are_refused)
{
    image im = good_image();
    Elf64_Ehdr saved = *header(&im);
    header(&im)->e_phoff = im.size;
    expect_refused(&im, im.size, "truncated: program headers end");
    *header(&im) = saved;
    header(&im)->e_phoff = UINT64_MAX - 8; /* offset + length wraps around */
    expect_refused(&im, im.size, "truncated: program headers end");
    *header(&im) = saved;
    header(&im)->e_phnum = 0;
    expect_refused(&im, im.size, "no program headers");
    *header(&im) = saved;
    header(&im)->e_phentsize = 32;
    expect_refused(&im, im.size, "program header entries of 32 bytes");
    *header(&im) = saved;
    header(&im)->e_shoff = im.size - 8;
    expect_refused(&im, im.size, "truncated: section headers end");
    free(im.data);
}

Test(elf_check, segment_past_the_end_is_refused)
{
    image im = good_image();
    Elf64_Ehdr *eh = header(&im);
    Elf64_Phdr *ph = (Elf64_Phdr *)(void *)(im.data + eh->e_phoff);
    unsigned i = 0;
    while (i < eh->e_phnum && ph[i].p_type != PT_LOAD)
        i++;
    cr_assert_lt(i, eh->e_phnum, "the fixture has no PT_LOAD segment");
    ph[i].p_filesz = im.size - ph[i].p_offset + 1;
    expect_refused(&im, im.size, "(PT_LOAD) ends at byte");
    ph[i].p_filesz = UINT64_MAX;
    expect_refused(&im, im.size, "(PT_LOAD) ends at byte");
    free(im.data);
}

Test(elf_check, text_is_refused)
{
    image im = {(unsigned char *)"#!/bin/sh\necho not a plugin\n", 28};
    expect_refused(&im, im.size, "not an ELF shared object (no ELF magic)");
}

Test(elf_check, fifo_and_directory_are_refused_without_blocking, .timeout = 10)
{
    char dir[] = "/tmp/test-elf_check-XXXXXX", fifo[64], why[256];
    cr_assert_not_null(mkdtemp(dir));
    snprintf(fifo, sizeof fifo, "%s/fifo.so", dir);
    cr_assert_eq(mkfifo(fifo, 0600), 0);
    cr_assert_eq(vs_elf_check_file(fifo, why, sizeof why), -1);
    cr_assert_str_eq(why, "not a regular file");
    cr_assert_eq(vs_elf_check_file(dir, why, sizeof why), -1);
    cr_assert_str_eq(why, "not a regular file");
    cr_assert_eq(vs_elf_check_file("/dev/zero", why, sizeof why), -1);
    cr_assert_str_eq(why, "not a regular file");
    unlink(fifo);
    rmdir(dir);
}

Test(elf_check, missing_file_says_so)
{
    char why[256];
    cr_assert_eq(vs_elf_check_file("/nonexistent/plugin.so", why, sizeof why), -1);
    cr_assert_str_eq(why, "No such file or directory");
}
