/* The file offset of an address in the program (or a library), from its program headers:
 * the syscall-patching tests read a site's bytes from the file to compare. */
#pragma once

#include <link.h>
#include <stdint.h>
#include <sys/types.h>

struct find_offset {
    uintptr_t addr;
    off_t offset;
};

static int find_in_object(struct dl_phdr_info *info, size_t size, void *arg)
{
    (void)size;
    struct find_offset *find = arg;
    for (int i = 0; i < info->dlpi_phnum; i++) {
        const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
        uintptr_t start = info->dlpi_addr + ph->p_vaddr;
        if (ph->p_type == PT_LOAD && find->addr >= start && find->addr < start + ph->p_filesz) {
            find->offset = (off_t)(ph->p_offset + (find->addr - start));
            return 1;
        }
    }
    return 0;
}

/* -1 when no loaded segment holds `addr`. */
static off_t file_offset_of(const void *addr)
{
    struct find_offset find = {(uintptr_t)addr, -1};
    dl_iterate_phdr(find_in_object, &find);
    return find.offset;
}
