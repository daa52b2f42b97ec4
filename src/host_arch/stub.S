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

/*
 * The systrap platform (systrap.cpp). The address-space process has two threads:
 *
 * - the mapping thread (the one the kernel seized, entered at ax_stub_systrap_start): it clones
 *   the guest thread, installs its own seccomp filter (host mmap/munmap/mprotect only, futex on
 *   its two words), runs the setup batch and stops on int3 like the ptrace stub, then serves
 *   batches forever: it sleeps on the request sequence word of the request page (read-only in
 *   this process), runs the ops, writes their results and the finished sequence number to the
 *   message page, and wakes the kernel. It never runs guest code and uses no stack.
 * - the guest thread: it sets up its alternate signal stack and its filter (every syscall traps
 *   but the handoff's futex on its own word, and rt_sigreturn with the stub's arguments), then traps once so that its
 *   handler parks it. From then on it runs guest code; every trap, fault or preemption signal
 *   lands in ax_stub_handler, which publishes where the signal frame is, wakes the kernel and
 *   sleeps until the kernel has rewritten the frame, then returns into the guest by
 *   rt_sigreturn.
 *
 * Message page layout (SYSMSG): u32 state at 0 (1: trapped, 2: resume), u32 batch done at 4,
 * u64 ucontext pointer at 8, siginfo pointer at 16, fs base at 24, gs base at 32, guest thread
 * id at 40; u32 the guest thread's CPU at 48, the kernel's at 52, the stub's spin budget at 56
 * (TSC ticks), whether the kernel spins at 60; batch results from 64 (8 bytes each); u64 the
 * TSC when the stub last saw an answer at 1000, u32 whether it sleeps at 1008, u64 the TSC of
 * its last trap at 1016 (systrap_spin.h has the
 * policy); the guest thread's stack_t at 1024; the fast area of a
 * patched site's call at 2048 (registers as user_regs_struct's first 20 fields), its flags at
 * 2304 (OF, then lahf's byte), and the fast return's scratch stack below 4032. States 3 to 5
 * belong to that fast handoff (ax_stub_fast_entry).
 * Setup page (SETUP): the mapping thread's sock_fprog at 0, the guest thread's at 16.
 */
#define SYSMSG 0x7ffffff02000
#define SETUP 0x7ffffff03000
#define SYS_rt_sigreturn 15
#define SYS_getpid 39
#define SYS_clone 56
#define SYS_sigaltstack 131
#define SYS_futex 202
#define SYS_exit_group 231
#define SYS_seccomp 317
#define FUTEX_WAIT 0
#define FUTEX_WAKE 1
#define STATE_TRAPPED 1
#define STATE_RESUME 2
#define STATE_FAST 3
#define STATE_FAST_RESUME 4
#define STATE_CONVERT 5
/* The message page's fast area (user_regs_struct's first 20 fields), the arithmetic flags a
 * fast call came with, and the top of the scratch stack the fast return pops the flags from. */
#define FAST 2048
#define FAST_FLAGS 2304
#define SCRATCH_TOP 4032
#define PREEMPT_SIGNAL 12
#define UC_RIP 168
/* The trampoline table of patched syscall sites (syscall_patch.h). */
#define PATCH_TABLE 0x60000
#define PATCH_TABLE_BYTES 0x10000
#define SIGRETURN_KEY0 0x5379737472617030
#define SIGRETURN_KEY1 0x736967726574726e
/* CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|CLONE_THREAD|CLONE_SYSVSEM */
#define THREAD_FLAGS 0x50f00
/* The adaptive spin's words of the message page. */
#define STUB_CPU 48
#define KERNEL_CPU 52
#define STUB_SPIN 56
#define KERNEL_SPINNING 60
#define RESUME_TSC 1000
#define STUB_ASLEEP 1008
#define TRAP_TSC 1016

/*
 * The guest thread's side of a handoff, with the message page in rbx. record_trap notes the
 * thread's CPU (r12d) and the TSC (r14, also in the page) for the kernel's spin decisions.
 * hand_over publishes the state and wakes the kernel unless it spins for it. The store is an
 * xchg, a full barrier, so that the load of the kernel's word comes after it: the kernel
 * stores that word and loads the state in the other order, so one of the two sees the other.
 */
.macro record_trap
    rdtscp                      /* ecx: the CPU this thread runs on (TSC_AUX); edx:eax: TSC */
    and $0xfff, %ecx
    mov %ecx, STUB_CPU(%rbx)
    mov %ecx, %r12d
    shl $32, %rdx
    or %rdx, %rax
    mov %rax, TRAP_TSC(%rbx)
    mov %rax, %r14
.endm
.macro hand_over state
    mov $\state, %eax
    xchg %eax, (%rbx)
    cmpl $0, KERNEL_SPINNING(%rbx)
    jne 69f
    mov $SYS_futex, %eax
    mov %rbx, %rdi
    mov $FUTEX_WAKE, %esi
    mov $1, %edx
    syscall
69:
.endm
/*
 * Waits while the state word holds `waiting`. On another CPU than the kernel, the answer may
 * come within microseconds: the thread spins until the TSC passes its trap's plus the budget
 * the kernel granted (0 for none; the kernel clears it when it turns to another thread). On
 * the kernel's CPU spinning would only keep the kernel off it. Then it sleeps on the futex,
 * saying so first (the same pairing as hand_over's: the kernel stores the state, then loads
 * this word).
 */
.macro await_answer waiting
    cmp KERNEL_CPU(%rbx), %r12d
    je 71f
    mov STUB_SPIN(%rbx), %r13d
    test %r13d, %r13d
    jz 71f
    add %r14, %r13              /* the deadline */
70:
    cmpl $\waiting, (%rbx)
    jne 73f
    pause
    cmpl $0, STUB_SPIN(%rbx)
    je 71f
    rdtsc
    shl $32, %rdx
    or %rdx, %rax
    cmp %r13, %rax
    jb 70b
71:
    mov $1, %eax
    xchg %eax, STUB_ASLEEP(%rbx)
    cmpl $\waiting, (%rbx)
    jne 72f
    mov $SYS_futex, %eax
    mov %rbx, %rdi
    mov $FUTEX_WAIT, %esi
    mov $\waiting, %edx
    xor %r10d, %r10d
    syscall
    jmp 71b
72:
    movl $0, STUB_ASLEEP(%rbx)
73:
    rdtsc                       /* the guest's run starts: the kernel times it to the next trap */
    shl $32, %rdx
    or %rdx, %rax
    mov %rax, RESUME_TSC(%rbx)
.endm

    .globl ax_stub_systrap_start
    .globl ax_stub_systrap_trap
    .globl ax_stub_handler
    .globl ax_stub_restorer
    .globl ax_stub_idle
    .globl ax_stub_fast_entry
    .globl ax_stub_fast_end
ax_stub_systrap_start:
    mov $SYS_clone, %eax
    mov $THREAD_FLAGS, %edi
    xor %esi, %esi              /* the same stack pointer: neither thread uses a stack */
    xor %edx, %edx
    xor %r10d, %r10d
    xor %r8d, %r8d
    syscall
    test %rax, %rax
    jz guest_thread_entry
    js stub_die
    movabs $SYSMSG, %rbx
    mov %rax, 40(%rbx)
    mov $SYS_seccomp, %eax
    mov $1, %edi                /* SECCOMP_SET_MODE_FILTER */
    xor %esi, %esi
    movabs $SETUP, %rdx
    syscall
    test %rax, %rax
    jnz stub_die
    /* The setup batch, then the int3 the kernel waits for. */
    movabs $STUB_DATA, %rbx
    mov (%rbx), %r12
    xor %r14d, %r14d            /* the last request sequence number served */
    jmp run_ops
batch_loop:
    movabs $STUB_DATA, %rbx
    mov 8(%rbx), %eax
    cmp %eax, %r14d
    jne 1f
    mov $SYS_futex, %eax
    lea 8(%rbx), %rdi
    mov $FUTEX_WAIT, %esi
    mov %r14d, %edx
    xor %r10d, %r10d
    syscall
    jmp batch_loop
1:
    mov %eax, %r14d
    mov (%rbx), %r12
run_ops:
    lea 64(%rbx), %r13
    movabs $SYSMSG+64, %r15
    cmp $63, %r12
    jbe 2f
    mov $63, %r12               /* never past the page, whatever the count says */
2:
    test %r12, %r12
    jz 3f
    mov 0(%r13), %rax
    mov 8(%r13), %rdi
    mov 16(%r13), %rsi
    mov 24(%r13), %rdx
    mov 32(%r13), %r10
    mov 40(%r13), %r8
    mov 48(%r13), %r9
    syscall
    mov %rax, (%r15)
    add $64, %r13
    add $8, %r15
    dec %r12
    jmp 2b
3:
    test %r14d, %r14d
    jnz 4f
ax_stub_systrap_trap:
    int3                        /* the setup batch is done */
    jmp batch_loop
4:
    movabs $SYSMSG, %rbx
    mov %r14d, 4(%rbx)
    mov $SYS_futex, %eax
    lea 4(%rbx), %rdi
    mov $FUTEX_WAKE, %esi
    mov $1, %edx
    syscall
    jmp batch_loop

guest_thread_entry:
    mov $SYS_sigaltstack, %eax
    movabs $SYSMSG+1024, %rdi
    xor %esi, %esi
    syscall
    test %rax, %rax
    jnz stub_die
    mov $SYS_seccomp, %eax
    mov $1, %edi
    xor %esi, %esi
    movabs $SETUP+16, %rdx
    syscall
    test %rax, %rax
    jnz stub_die
ax_stub_idle:
    mov $SYS_getpid, %eax       /* traps: the handler parks this thread for the kernel */
    syscall
    jmp ax_stub_idle

stub_die:
    mov $SYS_exit_group, %eax
    mov $127, %edi
    syscall

/* rdi: signal number, rsi: siginfo, rdx: ucontext; on the alternate stack, all signals blocked. */
ax_stub_handler:
    /* The preemption signal that lands in a patched site's path (the trampoline table, or
     * the fast handoff below) is dropped: there the thread is on its way to the kernel, or
     * back from it, and the message page holds a handoff that this handler would overwrite.
     * The kernel's next tick, or its ptrace fallback, preempts the thread anyway. */
    cmp $PREEMPT_SIGNAL, %edi
    jne 5f
    mov UC_RIP(%rdx), %rax
    lea ax_stub_fast_entry(%rip), %rcx
    cmp %rcx, %rax
    jb 6f
    lea ax_stub_fast_end(%rip), %rcx
    cmp %rcx, %rax
    jb 7f
6:
    mov $PATCH_TABLE, %ecx
    cmp %rcx, %rax
    jb 5f
    add $PATCH_TABLE_BYTES, %rcx
    cmp %rcx, %rax
    jae 5f
7:
    ret                         /* to ax_stub_restorer: back where the signal interrupted */
5:
    movabs $SYSMSG, %rbx
    mov %rdx, 8(%rbx)
    mov %rsi, 16(%rbx)
    rdfsbase %rax
    mov %rax, 24(%rbx)
    rdgsbase %rax
    mov %rax, 32(%rbx)
    record_trap
    hand_over STATE_TRAPPED
1:
    await_answer STATE_TRAPPED
    cmpl $STATE_RESUME, (%rbx)
    jne 1b
    mov 24(%rbx), %rax
    wrfsbase %rax
    mov 32(%rbx), %rax
    wrgsbase %rax
    ret                         /* to ax_stub_restorer, the frame's return address */
ax_stub_restorer:
    /* The filter lets rt_sigreturn through with these arguments only (it ignores them): the
     * guest's own rt_sigreturn, with a frame of the emulated kernel's making, must trap. */
    movabs $SIGRETURN_KEY0, %rdi
    movabs $SIGRETURN_KEY1, %rsi
    mov $SYS_rt_sigreturn, %eax
    syscall

/*
 * The patched syscall sites' handoff (syscall_patch.cpp). A patched site jumps through the
 * trampoline table, whose entry loads the site's return address into rcx and the syscall
 * number into eax, as the syscall instruction would have, and jumps here. This saves the
 * guest's registers in the message page's fast area, hands the call to the kernel through the
 * state word (STATE_FAST) and sleeps until the kernel answers with STATE_FAST_RESUME (the
 * registers to return with are in the fast area; rcx holds where to return) or
 * STATE_CONVERT (the kernel needs the thread parked in the signal handler, where the FPU
 * state is in a frame: the thread traps the ordinary way from ax_stub_idle). No signal frame,
 * no seccomp trap: the only syscalls here are the futex calls the filter allows on the state
 * word. rcx and r11 are the syscall instruction's own scratch registers; rax the result.
 */
ax_stub_fast_entry:
    movabs $SYSMSG, %r11
    mov %rax, FAST+80(%r11)
    lahf                        /* the arithmetic flags, without a stack: ah, and OF in al */
    seto %al
    mov %ax, FAST_FLAGS(%r11)
    mov %rbx, FAST+40(%r11)
    mov %r11, %rbx
    mov %r15, FAST+0(%rbx)
    mov %r14, FAST+8(%rbx)
    mov %r13, FAST+16(%rbx)
    mov %r12, FAST+24(%rbx)
    mov %rbp, FAST+32(%rbx)
    mov %r10, FAST+56(%rbx)
    mov %r9, FAST+64(%rbx)
    mov %r8, FAST+72(%rbx)
    mov %rcx, FAST+88(%rbx)
    mov %rdx, FAST+96(%rbx)
    mov %rsi, FAST+104(%rbx)
    mov %rdi, FAST+112(%rbx)
    mov %rcx, FAST+128(%rbx)
    mov %rsp, FAST+152(%rbx)
    rdfsbase %rax
    mov %rax, 24(%rbx)
    rdgsbase %rax
    mov %rax, 32(%rbx)
    record_trap
    hand_over STATE_FAST
    await_answer STATE_FAST
    cmpl $STATE_FAST_RESUME, (%rbx)
    jne fast_convert
    mov 24(%rbx), %rax
    wrfsbase %rax
    mov 32(%rbx), %rax
    wrgsbase %rax
    movabs $SYSMSG+SCRATCH_TOP, %rsp
    pushq FAST+144(%rbx)
    popfq
    mov FAST+0(%rbx), %r15
    mov FAST+8(%rbx), %r14
    mov FAST+16(%rbx), %r13
    mov FAST+24(%rbx), %r12
    mov FAST+32(%rbx), %rbp
    mov FAST+48(%rbx), %r11
    mov FAST+56(%rbx), %r10
    mov FAST+64(%rbx), %r9
    mov FAST+72(%rbx), %r8
    mov FAST+80(%rbx), %rax
    mov FAST+88(%rbx), %rcx
    mov FAST+96(%rbx), %rdx
    mov FAST+104(%rbx), %rsi
    mov FAST+112(%rbx), %rdi
    mov FAST+152(%rbx), %rsp
    mov FAST+40(%rbx), %rbx
    jmp *%rcx
ax_stub_fast_end:
fast_convert:
    jmp ax_stub_idle
ax_stub_end:

    .section .note.GNU-stack,"",@progbits
