/*
 * Bare-metal entry: a multiboot (v1) header with the a.out kludge, so QEMU's -kernel and
 * GRUB load this flat image at 1 MiB; a 32-bit entry that maps the first GiB (2 MiB pages)
 * twice, at 0 (for the switch) and at KERNEL_BASE (where the kernel is linked), enables PAE and
 * long mode, loads a 64-bit GDT, jumps to the kernel's high addresses and calls
 * kernel_main(multiboot magic, multiboot info). Until then, symbols are used as physical
 * addresses (symbol - KERNEL_BASE). User address spaces share only the high half (PML4 slot
 * 511), so the whole lower half is the guest's.
 */
.set KERNEL_BASE, 0xffffffff80000000
#define PHYS(symbol) ((symbol) - KERNEL_BASE)
.set MB_MAGIC, 0x1BADB002
.set MB_FLAGS, (1 << 0) | (1 << 1) | (1 << 16)
.set MB_CHECKSUM, -(MB_MAGIC + MB_FLAGS)

.section .multiboot, "a"
.align 4
multiboot_header:
    .long MB_MAGIC
    .long MB_FLAGS
    .long MB_CHECKSUM
    .long PHYS(multiboot_header) /* header_addr */
    .long PHYS(_load_start)      /* load_addr */
    .long PHYS(_load_end)        /* load_end_addr */
    .long PHYS(_bss_end)         /* bss_end_addr */
    .long PHYS(_start32)         /* entry_addr */

.section .text.boot, "ax"
.code32
.global _start32
_start32:
    cli
    mov %eax, PHYS(boot_magic)
    mov %ebx, PHYS(boot_info)
    mov $PHYS(boot_stack_top), %esp

    /* PML4[0] and PML4[511] -> PDPT; PDPT[0] and PDPT[510] -> PD; PD[i] -> i * 2 MiB
       (present, writable, large). */
    mov $PHYS(boot_pdpt), %eax
    or $3, %eax
    mov %eax, PHYS(boot_pml4)
    mov %eax, PHYS(boot_pml4) + 511 * 8
    mov $PHYS(boot_pd), %eax
    or $3, %eax
    mov %eax, PHYS(boot_pdpt)
    mov %eax, PHYS(boot_pdpt) + 510 * 8
    xor %ecx, %ecx
1:
    mov %ecx, %eax
    shl $21, %eax
    or $0x83, %eax
    mov %eax, PHYS(boot_pd)(, %ecx, 8)
    movl $0, PHYS(boot_pd) + 4(, %ecx, 8)
    inc %ecx
    cmp $512, %ecx
    jne 1b

    mov $PHYS(boot_pml4), %eax
    mov %eax, %cr3
    mov %cr4, %eax
    or $(1 << 5), %eax          /* PAE */
    mov %eax, %cr4
    mov $0xC0000080, %ecx       /* EFER */
    rdmsr
    or $(1 << 8), %eax          /* LME */
    wrmsr
    mov %cr0, %eax
    or $((1 << 31) | 1), %eax   /* PG | PE */
    mov %eax, %cr0
    lgdt PHYS(boot_gdt_pointer)
    ljmp $0x08, $PHYS(start64_low)

.code64
start64_low:
    movabs $start64, %rax
    jmp *%rax
start64:
    mov $0x10, %ax
    mov %ax, %ds
    mov %ax, %es
    mov %ax, %ss
    xor %ax, %ax
    mov %ax, %fs
    mov %ax, %gs
    mov $boot_stack_top, %rsp
    mov boot_magic(%rip), %edi
    mov boot_info(%rip), %esi
    call kernel_main
2:
    cli
    hlt
    jmp 2b

.section .data
.align 16
boot_gdt:
    .quad 0
    .quad 0x00AF9A000000FFFF    /* 0x08: 64-bit code */
    .quad 0x00CF92000000FFFF    /* 0x10: data */
boot_gdt_end:
boot_gdt_pointer:
    .word boot_gdt_end - boot_gdt - 1
    .long PHYS(boot_gdt)
boot_magic:
    .long 0
boot_info:
    .long 0

.section .bss
.align 4096
.global boot_pml4
boot_pml4:
    .skip 4096
/* Slot 511 (the top GiB) is the region of kernel task stacks (task_stack.cpp). */
.global boot_pdpt
boot_pdpt:
    .skip 4096
boot_pd:
    .skip 4096
boot_stack:
    .skip 65536
boot_stack_top:

.section .note.GNU-stack, "", @progbits
