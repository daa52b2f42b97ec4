/*
 * Interrupt and exception entry on bare metal: one stub per vector pushes a dummy error code
 * where the CPU pushes none, then the vector number, saves the general registers and calls
 * interrupt_dispatch(frame*); iretq returns to what was interrupted.
 */
.macro isr_no_error vector
.global isr_\vector
isr_\vector:
    pushq $0
    pushq $\vector
    jmp isr_common
.endm

.macro isr_error vector
.global isr_\vector
isr_\vector:
    pushq $\vector
    jmp isr_common
.endm

.section .text
isr_no_error 0
isr_no_error 1
isr_no_error 2
isr_no_error 3
isr_no_error 4
isr_no_error 5
isr_no_error 6
isr_no_error 7
isr_error 8
isr_no_error 9
isr_error 10
isr_error 11
isr_error 12
isr_error 13
isr_error 14
isr_no_error 15
isr_no_error 16
isr_error 17
isr_no_error 18
isr_no_error 19
isr_no_error 20
isr_error 21
isr_no_error 22
isr_no_error 23
isr_no_error 24
isr_no_error 25
isr_no_error 26
isr_no_error 27
isr_no_error 28
isr_error 29
isr_error 30
isr_no_error 31
isr_no_error 32
isr_no_error 33
isr_no_error 34
isr_no_error 35
isr_no_error 36
isr_no_error 37
isr_no_error 38
isr_no_error 39
isr_no_error 40
isr_no_error 41
isr_no_error 42
isr_no_error 43
isr_no_error 44
isr_no_error 45
isr_no_error 46
isr_no_error 47

isr_common:
    push %rax
    push %rbx
    push %rcx
    push %rdx
    push %rsi
    push %rdi
    push %rbp
    push %r8
    push %r9
    push %r10
    push %r11
    push %r12
    push %r13
    push %r14
    push %r15
    mov %rsp, %rdi
    cld
    call interrupt_dispatch
    pop %r15
    pop %r14
    pop %r13
    pop %r12
    pop %r11
    pop %r10
    pop %r9
    pop %r8
    pop %rbp
    pop %rdi
    pop %rsi
    pop %rdx
    pop %rcx
    pop %rbx
    pop %rax
    add $16, %rsp
    iretq

.section .rodata
.global isr_table
isr_table:
    .quad isr_0, isr_1, isr_2, isr_3, isr_4, isr_5, isr_6, isr_7
    .quad isr_8, isr_9, isr_10, isr_11, isr_12, isr_13, isr_14, isr_15
    .quad isr_16, isr_17, isr_18, isr_19, isr_20, isr_21, isr_22, isr_23
    .quad isr_24, isr_25, isr_26, isr_27, isr_28, isr_29, isr_30, isr_31
    .quad isr_32, isr_33, isr_34, isr_35, isr_36, isr_37, isr_38, isr_39
    .quad isr_40, isr_41, isr_42, isr_43, isr_44, isr_45, isr_46, isr_47

.section .note.GNU-stack, "", @progbits
