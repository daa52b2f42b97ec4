/*
 * Entering and leaving user mode on bare metal. ax_enter_user(regs, is_sysret) saves the
 * kernel's callee-saved registers and stack, loads the guest registers and goes to ring 3:
 * with sysretq when the caller found that allowed (rcx holds rip and r11 rflags, as after a
 * syscall, and rip is canonical), with iretq otherwise. The
 * syscall entry, or an exception or interrupt taken in ring 3 (interrupts.cpp), stores the
 * guest registers back and "returns" from ax_enter_user with a reason, on the kernel's stack.
 *
 * GeneralRegs offsets (the layout of Linux's user_regs_struct): r15 0, r14 8, r13 16, r12 24,
 * rbp 32, rbx 40, r11 48, r10 56, r9 64, r8 72, rax 80, rcx 88, rdx 96, rsi 104, rdi 112,
 * orig_rax 120, rip 128, cs 136, eflags 144, rsp 152, ss 160.
 */
.set USER_CS, 0x23
.set USER_SS, 0x1b

.section .text
.global ax_enter_user
ax_enter_user:
    push %rbx
    push %rbp
    push %r12
    push %r13
    push %r14
    push %r15
    mov %rsp, ax_kernel_resume_rsp(%rip)
    mov %rdi, ax_current_regs(%rip)
    mov %esi, %r11d             /* is_sysret, kept until the registers are loaded */
    test %r11d, %r11d
    jnz 1f
    pushq $USER_SS              /* the iretq frame */
    pushq 152(%rdi)
    pushq 144(%rdi)
    pushq $USER_CS
    pushq 128(%rdi)
    jmp 2f
    /* sysretq takes rip from rcx and rflags (IF on) from r11. Interrupts stay off from here
       until it runs: one taken on the guest's stack in ring 0 would write guest memory. */
1:  cli
2:  mov 0(%rdi), %r15
    mov 8(%rdi), %r14
    mov 16(%rdi), %r13
    mov 24(%rdi), %r12
    mov 32(%rdi), %rbp
    mov 40(%rdi), %rbx
    mov 56(%rdi), %r10
    mov 64(%rdi), %r9
    mov 72(%rdi), %r8
    mov 80(%rdi), %rax
    mov 96(%rdi), %rdx
    mov 104(%rdi), %rsi
    test %r11d, %r11d
    jnz 3f
    mov 48(%rdi), %r11
    mov 88(%rdi), %rcx
    mov 112(%rdi), %rdi
    iretq
3:  mov 128(%rdi), %rcx
    mov 144(%rdi), %r11
    mov 152(%rdi), %rsp
    mov 112(%rdi), %rdi
    sysretq

/* ax_return_to_kernel(reason): back to ax_enter_user's caller, which sees `reason`. */
.global ax_return_to_kernel
ax_return_to_kernel:
    mov ax_kernel_resume_rsp(%rip), %rsp
    mov %rdi, %rax
    pop %r15
    pop %r14
    pop %r13
    pop %r12
    pop %rbp
    pop %rbx
    ret

/* The syscall instruction lands here with rcx = user rip, r11 = user rflags, interrupts off. */
.global ax_syscall_entry
ax_syscall_entry:
    mov %rsp, ax_user_rsp_scratch(%rip)
    mov ax_kernel_resume_rsp(%rip), %rsp
    push %rax
    mov ax_current_regs(%rip), %rax
    mov %r15, 0(%rax)
    mov %r14, 8(%rax)
    mov %r13, 16(%rax)
    mov %r12, 24(%rax)
    mov %rbp, 32(%rax)
    mov %rbx, 40(%rax)
    mov %r11, 48(%rax)
    mov %r10, 56(%rax)
    mov %r9, 64(%rax)
    mov %r8, 72(%rax)
    mov %rcx, 88(%rax)
    mov %rdx, 96(%rax)
    mov %rsi, 104(%rax)
    mov %rdi, 112(%rax)
    pop %rdx
    mov %rdx, 80(%rax)
    mov %rdx, 120(%rax)
    mov %rcx, 128(%rax)
    mov %r11, 144(%rax)
    mov ax_user_rsp_scratch(%rip), %rdx
    mov %rdx, 152(%rax)
    mov $1, %edi
    jmp ax_return_to_kernel

.section .bss
.align 8
.global ax_kernel_resume_rsp
ax_kernel_resume_rsp:
    .quad 0
.global ax_current_regs
ax_current_regs:
    .quad 0
ax_user_rsp_scratch:
    .quad 0

.section .note.GNU-stack, "", @progbits
