/*
 * elf_check.h: a plugin file is looked at as an ELF shared object of this machine before
 * dlopen maps it. The dynamic loader trusts the headers it maps: a truncated .so gets
 * past its own checks and then dies of SIGBUS touching a page past the end of the file,
 * which no message can explain. These checks refuse such a file with one reason instead.
 */
#ifndef VS_ELF_CHECK_H
#define VS_ELF_CHECK_H

#include <stddef.h>

/* Opens `path` without blocking (a FIFO would hang a plain open), checks that it is a
 * regular file and that its headers describe a complete ELF shared object for this
 * build's class, byte order and machine. Returns 0, or -1 with a reason in `why` (which
 * does not repeat the path). */
int vs_elf_check_file(const char *path, char *why, size_t why_size);

/* The same checks on a file's contents already in memory: `size` bytes at `data`. */
int vs_elf_check_buffer(const void *data, size_t size, char *why, size_t why_size);

/* Calls fn(name, ctx) for each function or object the shared object at `path` imports
 * (an undefined, non-weak dynamic symbol), until fn returns nonzero. For a file that
 * passed vs_elf_check_file. Returns 0, or -1 when the symbol table cannot be read. */
int vs_elf_each_import(const char *path, int (*fn)(const char *name, void *ctx), void *ctx);

#endif /* VS_ELF_CHECK_H */
