/*
 * The stub: the only code in an address-space process besides the guest's. The kernel writes a
 * batch of host syscalls (mmap/munmap/mprotect of guest pages) into the stub's data page, points
 * the process at ax_stub_start and continues it; the stub runs them and stops on int3.
 * It is copied to a fixed address, so it must be position independent.
 *
 * The kernel starts it with a register set of its own (never the guest's flags or code segment)
 * and takes only the trap of the int3 at ax_stub_trap as its end: the address is checked, so a
 * guest that jumps here or a stop anywhere else cannot pass for a finished batch. The stub uses
 * no stack and no data but its data page, which the kernel rewrites before every run.
 *
 * Data page layout: u64 count at 0; ops from 64, 64 bytes each: nr, a0..a5, result.
 */
#define STUB_DATA 0x7ffffff01000

    .section .rodata
    .p2align 4
    .globl ax_stub_start
    .globl ax_stub_end
    .globl ax_stub_trap
ax_stub_start:
    movabs $STUB_DATA, %rbx
    mov (%rbx), %r12
    lea 64(%rbx), %r13
1:
    test %r12, %r12
    jz 2f
    mov 0(%r13), %rax
    mov 8(%r13), %rdi
    mov 16(%r13), %rsi
    mov 24(%r13), %rdx
    mov 32(%r13), %r10
    mov 40(%r13), %r8
    mov 48(%r13), %r9
    syscall
    mov %rax, 56(%r13)
    add $64, %r13
    dec %r12
    jmp 1b
2:
ax_stub_trap:
    int3
    jmp ax_stub_start
ax_stub_end:

    .section .note.GNU-stack,"",@progbits
