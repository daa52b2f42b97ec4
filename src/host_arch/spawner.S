/*
 * The spawner: the loop of the template process (address_space_pool.cpp), which makes new
 * address-space processes without the kernel forking itself. asterix forks the template once;
 * it drops everything of asterix but the stub's code page and these two pages, and then only
 * clones itself, so each clone copies an address space of three pages instead of asterix's.
 *
 * Loop: read a 256-byte request from the control socket (fd 4), clone (SIGCHLD, which the
 * template ignores, so a child the kernel has reaped as its tracer is released at once), write
 * the child's pid (or -errno) back. The child prepares what needs no kernel help: it maps the
 * pages the request lists (its stub data page, and for systrap its message, setup and
 * alternate-stack pages) from the memfd at fd 3 and installs the systrap signal handlers. Then it sleeps on the go word of its
 * data page until the kernel has seized it and written the first batch; it installs the stub's
 * seccomp filter (ptrace; the systrap stub installs its own) and jumps into the stub, which
 * unmaps these pages with everything else and stops on its int3 like a forked child's.
 *
 * The code is copied to a fixed address and uses no stack: position independent, absolute
 * addresses only. Layout of the data page (SPAWNER_DATA), written by address_space_pool.cpp
 * (spawner_layout there has the same numbers):
 *   0   the request: u64 flags (1: systrap), u64 page count, then up to 10 pages to map,
 *       {address, memfd offset, prot} each, the stub data page first
 *   256 the reply (pid or -errno)
 *   264 the ptrace stub's entry, 272 the systrap stub's entry
 *   288 the systrap handlers' sigaction (handler, flags, restorer, mask)
 *   320 the signals that get it, one byte each, 0-terminated
 *   336 the ptrace stub's sock_fprog, pointing at its BPF program from 512
 */
#define STUB_CODE 0x7ffffff00000
#define STUB_DATA 0x7ffffff01000
#define SPAWNER_CODE 0x7ffffff80000
#define SPAWNER_DATA 0x7ffffff81000
#define HOST_USER_TOP 0x7ffffffff000
#define GO_OFFSET 16
#define REQUEST_BYTES 256
#define MAX_PAGES 10
#define REPLY 256
#define PTRACE_ENTRY 264
#define SYSTRAP_ENTRY 272
#define SIGACTION 288
#define SIGNALS 320
#define FPROG 336
#define MEM_FD 3
#define CTL_FD 4
#define SYS_read 0
#define SYS_write 1
#define SYS_close 3
#define SYS_mmap 9
#define SYS_mprotect 10
#define SYS_munmap 11
#define SYS_rt_sigaction 13
#define SYS_clone 56
#define SYS_prctl 157
#define SYS_futex 202
#define SYS_exit_group 231
#define SYS_seccomp 317
#define PR_SET_PDEATHSIG 1
#define SIGKILL 9
#define SIGCHLD 17
#define MAP_SHARED_FIXED 0x11

    .section .rodata
    .p2align 4
    .globl ax_spawner_init
    .globl ax_spawner_end
/* Entered once, from the template's C setup: drops everything but the stub's code page and the
   spawner's two pages (the host vDSO too), then serves requests. */
ax_spawner_init:
    mov $SYS_munmap, %eax
    xor %edi, %edi
    movabs $STUB_CODE, %rsi
    syscall
    test %rax, %rax
    jnz child_die
    mov $SYS_munmap, %eax
    movabs $STUB_CODE + 0x1000, %rdi
    movabs $SPAWNER_CODE - STUB_CODE - 0x1000, %rsi
    syscall
    test %rax, %rax
    jnz child_die
    mov $SYS_munmap, %eax
    movabs $SPAWNER_DATA + 0x1000, %rdi
    movabs $HOST_USER_TOP - SPAWNER_DATA - 0x1000, %rsi
    syscall
    test %rax, %rax
    jnz child_die
spawner_loop:
    movabs $SPAWNER_DATA, %rbx
    mov $SYS_read, %eax
    mov $CTL_FD, %edi
    mov %rbx, %rsi
    mov $REQUEST_BYTES, %edx
    syscall
    cmp $REQUEST_BYTES, %rax
    jne spawner_exit            /* the kernel closed the socket (or went away) */
    mov $SYS_clone, %eax
    mov $SIGCHLD, %edi
    xor %esi, %esi              /* the same stack pointer: neither side uses a stack */
    xor %edx, %edx
    xor %r10d, %r10d
    xor %r8d, %r8d
    syscall
    test %rax, %rax
    jz spawned_child
    mov %rax, REPLY(%rbx)
    mov $SYS_write, %eax
    mov $CTL_FD, %edi
    lea REPLY(%rbx), %rsi
    mov $8, %edx
    syscall
    jmp spawner_loop
spawner_exit:
    mov $SYS_exit_group, %eax
    xor %edi, %edi
    syscall

spawned_child:
    mov $SYS_close, %eax
    mov $CTL_FD, %edi
    syscall
    mov $SYS_prctl, %eax
    mov $PR_SET_PDEATHSIG, %edi
    mov $SIGKILL, %esi
    syscall
    /* The pages to map: {address, memfd offset, prot} from 16, count at 8. */
    mov 8(%rbx), %r12
    cmp $MAX_PAGES, %r12
    ja child_die
    lea 16(%rbx), %r13
1:
    test %r12, %r12
    jz 2f
    mov 0(%r13), %rdi
    mov $4096, %esi
    mov 16(%r13), %rdx
    mov $MAP_SHARED_FIXED, %r10d
    mov $MEM_FD, %r8d
    mov 8(%r13), %r9
    mov $SYS_mmap, %eax
    syscall
    cmp 0(%r13), %rax
    jne child_die
    add $24, %r13
    dec %r12
    jmp 1b
2:
    testq $1, 0(%rbx)
    jz wait_go
    /* Systrap: the guest thread's handlers, for the signals listed at SIGNALS. */
    lea SIGNALS(%rbx), %r12
3:
    movzbl (%r12), %edi
    test %edi, %edi
    jz wait_go
    mov $SYS_rt_sigaction, %eax
    lea SIGACTION(%rbx), %rsi
    xor %edx, %edx
    mov $8, %r10d
    syscall
    test %rax, %rax
    jnz child_die
    inc %r12
    jmp 3b
wait_go:
    movabs $STUB_DATA + GO_OFFSET, %rdi
    cmpl $0, (%rdi)
    jne go
    mov $SYS_futex, %eax
    xor %esi, %esi              /* FUTEX_WAIT: the page is in the memfd, so not private */
    xor %edx, %edx
    xor %r10d, %r10d
    syscall
    jmp wait_go
go:
    testq $1, 0(%rbx)
    jnz 3f
    mov $SYS_seccomp, %eax
    mov $1, %edi                /* SECCOMP_SET_MODE_FILTER */
    xor %esi, %esi
    lea FPROG(%rbx), %rdx
    syscall
    test %rax, %rax
    jnz child_die
    jmp *PTRACE_ENTRY(%rbx)
3:
    jmp *SYSTRAP_ENTRY(%rbx)
child_die:
    mov $SYS_exit_group, %eax
    mov $127, %edi
    syscall
ax_spawner_end:
    .section .note.GNU-stack,"",@progbits
