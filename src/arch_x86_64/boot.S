/*
 * Bare-metal entry: a multiboot (v1) header with the a.out kludge, so QEMU's -kernel and
 * GRUB load this flat image at 1 MiB; a 32-bit entry that builds identity page tables for the
 * first GiB (2 MiB pages), enables PAE and long mode, loads a 64-bit GDT and jumps to 64-bit
 * code, which calls kernel_main(multiboot magic, multiboot info).
 */
.set MB_MAGIC, 0x1BADB002
.set MB_FLAGS, (1 << 0) | (1 << 1) | (1 << 16)
.set MB_CHECKSUM, -(MB_MAGIC + MB_FLAGS)

.section .multiboot, "a"
.align 4
multiboot_header:
    .long MB_MAGIC
    .long MB_FLAGS
    .long MB_CHECKSUM
    .long multiboot_header   /* header_addr */
    .long _load_start        /* load_addr */
    .long _load_end          /* load_end_addr */
    .long _bss_end           /* bss_end_addr */
    .long _start32           /* entry_addr */

.section .text.boot, "ax"
.code32
.global _start32
_start32:
    cli
    mov %eax, boot_magic
    mov %ebx, boot_info
    mov $boot_stack_top, %esp

    /* PML4[0] -> PDPT, PDPT[0] -> PD, PD[i] -> i * 2 MiB (present, writable, large). */
    mov $boot_pdpt, %eax
    or $3, %eax
    mov %eax, boot_pml4
    mov $boot_pd, %eax
    or $3, %eax
    mov %eax, boot_pdpt
    xor %ecx, %ecx
1:
    mov %ecx, %eax
    shl $21, %eax
    or $0x83, %eax
    mov %eax, boot_pd(, %ecx, 8)
    movl $0, boot_pd + 4(, %ecx, 8)
    inc %ecx
    cmp $512, %ecx
    jne 1b

    mov $boot_pml4, %eax
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
    lgdt boot_gdt_pointer
    ljmp $0x08, $start64

.code64
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
    .long boot_gdt
boot_magic:
    .long 0
boot_info:
    .long 0

.section .bss
.align 4096
.global boot_pml4
boot_pml4:
    .skip 4096
boot_pdpt:
    .skip 4096
boot_pd:
    .skip 4096
boot_stack:
    .skip 65536
boot_stack_top:

.section .note.GNU-stack, "", @progbits
