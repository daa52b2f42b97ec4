// arch_prctl and thread-local storage: ARCH_GET_FS matches %fs:0 (the TCB's self pointer),
// __thread variables work, ARCH_SET_FS really moves %fs, bad codes and pointers fail.
#include "check.h"
#include <asm/prctl.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <unistd.h>

static __thread int tls_data = 42;  /* .tdata */
static __thread long tls_bss[64];   /* .tbss */

static unsigned long fs_word0(void)
{
    unsigned long v;
    __asm__ volatile("mov %%fs:0, %0" : "=r"(v));
    return v;
}

/* arch_prctl without glibc: between the two ARCH_SET_FS calls errno (TLS) is off limits. */
static long raw_arch_prctl(long code, unsigned long arg)
{
    long ret;
    __asm__ volatile("syscall" : "=a"(ret) : "a"(SYS_arch_prctl), "D"(code), "S"(arg)
                     : "rcx", "r11", "memory");
    return ret;
}

int main(void)
{
    unsigned long fs = 0;
    CHECK(syscall(SYS_arch_prctl, ARCH_GET_FS, &fs) == 0);
    CHECK(fs != 0);
    CHECK(fs_word0() == fs); /* x86-64 TLS ABI: the TCB starts with a pointer to itself */

    /* Variant II TLS: the static TLS block sits just below the TCB. */
    CHECK(tls_data == 42);
    for (int i = 0; i < 64; i++)
        CHECK(tls_bss[i] == 0);
    tls_data++;
    tls_bss[63] = -1;
    CHECK(tls_data == 43 && tls_bss[63] == -1);
    uintptr_t a = (uintptr_t)&tls_data, b = (uintptr_t)&tls_bss[0];
    CHECK(a < fs && fs - a < 65536);
    CHECK(b < fs && fs - b < 65536);
    CHECK((b & 7) == 0);
    /* errno lives in TLS too. */
    errno = 1234;
    CHECK(errno == 1234);

    /* Point %fs at a block of our own, read through it, and put the real one back. */
    static unsigned long block[4];
    block[0] = (unsigned long)block; /* self pointer */
    block[1] = 0x1122334455667788UL;
    long r1 = raw_arch_prctl(ARCH_SET_FS, (unsigned long)block);
    unsigned long seen0 = fs_word0(), seen1;
    __asm__ volatile("mov %%fs:8, %0" : "=r"(seen1));
    long r2 = raw_arch_prctl(ARCH_SET_FS, fs);
    CHECK(r1 == 0 && r2 == 0);
    CHECK(seen0 == (unsigned long)block);
    CHECK(seen1 == 0x1122334455667788UL);
    CHECK(fs_word0() == fs && tls_data == 43);
    unsigned long fs2 = 0;
    CHECK(syscall(SYS_arch_prctl, ARCH_GET_FS, &fs2) == 0 && fs2 == fs);

    /* %gs is free for programs; it starts at 0 for a fresh program. */
    unsigned long gs = 1;
    CHECK(syscall(SYS_arch_prctl, ARCH_GET_GS, &gs) == 0);
    CHECK(gs == 0);

    CHECK_ERR(syscall(SYS_arch_prctl, 0x9999, &gs), EINVAL);
    CHECK_ERR(syscall(SYS_arch_prctl, ARCH_GET_FS, BAD_PTR), EFAULT);
    /* A non-canonical base is refused and changes nothing. */
    CHECK_ERR(syscall(SYS_arch_prctl, ARCH_SET_FS, 0x8000000000000000UL), EPERM);
    CHECK(fs_word0() == fs);
    printf("tls: ok, fs base %#lx\n", fs);
    return 0;
}
