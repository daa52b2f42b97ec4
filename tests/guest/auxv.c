// What the kernel puts on the initial stack: argv, envp and the auxiliary vector a static
// glibc program relies on (page size, program headers, entry, AT_RANDOM, ids).
#include "check.h"
#include <elf.h>
#include <sys/auxv.h>
#include <sys/syscall.h>
#include <unistd.h>

extern char _start[];
extern char **environ;

/* getauxval: 0 with errno ENOENT when absent. Returns 1 if present. */
static int aux(unsigned long type, unsigned long *val)
{
    errno = 0;
    *val = getauxval(type);
    return errno != ENOENT;
}

int main(int argc, char **argv)
{
    CHECK(argc >= 1);
    CHECK(argv[0] != NULL && argv[0][0] != '\0');
    CHECK(argv[argc] == NULL);
    CHECK(environ != NULL);
    CHECK(environ == argv + argc + 1); /* envp follows argv on the stack */
    size_t nenv = 0;
    while (environ[nenv])
        nenv++;

    unsigned long v;
    CHECK(aux(AT_PAGESZ, &v) && v == 4096);
    CHECK(aux(AT_ENTRY, &v) && v == (unsigned long)_start);
    unsigned long phdr, phnum, phent;
    CHECK(aux(AT_PHDR, &phdr) && phdr != 0);
    CHECK(aux(AT_PHNUM, &phnum) && phnum > 0 && phnum < 64);
    CHECK(aux(AT_PHENT, &phent) && phent == sizeof(Elf64_Phdr));
    /* AT_PHDR points at this program's own program headers, mapped in memory. */
    const Elf64_Phdr *ph = (const Elf64_Phdr *)phdr;
    int loads = 0;
    for (unsigned long i = 0; i < phnum; i++)
        if (ph[i].p_type == PT_LOAD) {
            loads++;
            CHECK(ph[i].p_memsz >= ph[i].p_filesz);
        }
    CHECK(loads >= 1);
    const Elf64_Ehdr *eh = NULL;
    for (unsigned long i = 0; i < phnum; i++)
        if (ph[i].p_type == PT_LOAD && ph[i].p_offset == 0)
            eh = (const Elf64_Ehdr *)ph[i].p_vaddr;
    if (eh) { /* the first PT_LOAD maps the ELF header itself */
        CHECK(memcmp(eh->e_ident, ELFMAG, SELFMAG) == 0);
        CHECK(eh->e_entry == (unsigned long)_start);
    }

    /* AT_RANDOM: 16 bytes, glibc's stack protector and pointer guard come from it. */
    CHECK(aux(AT_RANDOM, &v) && v != 0);
    const unsigned char *rnd = (const unsigned char *)v;
    int nonzero = 0;
    for (int i = 0; i < 16; i++)
        nonzero |= rnd[i];
    CHECK(nonzero);

    CHECK(!aux(AT_SECURE, &v) || v == 0);
    if (aux(AT_UID, &v))
        CHECK(v == (unsigned long)syscall(SYS_getuid));
    if (aux(AT_EUID, &v))
        CHECK(v == (unsigned long)syscall(SYS_geteuid));
    if (aux(AT_GID, &v))
        CHECK(v == (unsigned long)syscall(SYS_getgid));
    if (aux(AT_EGID, &v))
        CHECK(v == (unsigned long)syscall(SYS_getegid));
    if (aux(AT_EXECFN, &v))
        CHECK(v != 0 && ((const char *)v)[0] != '\0');
    /* No vDSO from Asterix yet; if there is one it must be a mapped ELF image. */
    if (aux(AT_SYSINFO_EHDR, &v) && v != 0)
        CHECK(memcmp((const void *)v, ELFMAG, SELFMAG) == 0);

    printf("auxv: argc %d, %zu environment strings, %lu program headers\n", argc, nenv, phnum);
    return 0;
}
