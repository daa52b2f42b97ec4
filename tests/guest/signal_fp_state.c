// The SIMD registers of interrupted code survive signal handlers that clobber them: xmm2, the
// upper half of ymm2 (with AVX) and zmm16 and k1 (with AVX-512) hold their values across many
// SIGALRMs whose handler overwrites all of them. The frame's fpstate is Linux's: with XSAVE
// the software bytes carry FP_XSTATE_MAGIC1 and the features, FP_XSTATE_MAGIC2 ends the area,
// and a handler that edits xmm2 and ymm2's upper half in the frame sees its edit in the
// registers after rt_sigreturn. Without AVX (the bare-metal kernel exposes none) only the SSE
// part is checked.
#include <cpuid.h>
#include <signal.h>
#include <stdint.h>
#include <sys/time.h>
#include <ucontext.h>

#include "check.h"

static int has_avx, has_avx512;
static volatile int signals_taken;
static volatile int frame_had_xsave;
static volatile int edit_frame;
static unsigned ymm_offset; /* of the YMM_Hi128 component in the XSAVE standard format */

__attribute__((target("avx512f"))) static void clobber_avx512(void)
{
    __asm__ volatile("vpternlogd $0xff, %%zmm16, %%zmm16, %%zmm16; kxnorw %%k1, %%k1, %%k1" ::: "xmm16", "k1");
}

static void clobber(int sig, siginfo_t *info, void *ucontext)
{
    (void)sig;
    (void)info;
    __asm__ volatile("pcmpeqd %%xmm2, %%xmm2" ::: "xmm2");
    if (has_avx)
        __asm__ volatile("vpcmpeqd %%ymm2, %%ymm2, %%ymm2" ::: "xmm2");
    if (has_avx512)
        clobber_avx512();
    ucontext_t *uc = ucontext;
    unsigned char *fp = (unsigned char *)uc->uc_mcontext.fpregs;
    uint32_t magic1, extended_size;
    memcpy(&magic1, fp + 464, 4);
    memcpy(&extended_size, fp + 468, 4);
    if (magic1 == FP_XSTATE_MAGIC1) {
        uint32_t magic2;
        memcpy(&magic2, fp + extended_size - 4, 4);
        frame_had_xsave = magic2 == FP_XSTATE_MAGIC2 ? 1 : -1;
    }
    if (edit_frame) {
        memset(fp + 160 + 2 * 16, 0x5a, 16); /* xmm2 in the legacy area */
        if (has_avx && frame_had_xsave == 1)
            memset(fp + ymm_offset + 2 * 16, 0xa5, 16);
    }
    signals_taken++;
}

__attribute__((target("avx512f"))) static void hold_avx512(const unsigned char *in, unsigned char *out, int count)
{
    __asm__ volatile("vmovdqu (%0), %%ymm2\n"
                     "vmovdqu64 (%0), %%zmm16\n"
                     "movl $0x1234, %%eax\n kmovw %%eax, %%k1\n"
                     "movl %3, %%ecx\n addl %2, %%ecx\n 1: cmpl %%ecx, %3\n jb 1b\n"
                     "vmovdqu %%ymm2, (%1)\n"
                     "vmovdqu64 %%zmm16, 32(%1)\n"
                     "kmovw %%k1, %%eax\n movl %%eax, 96(%1)\n"
                     : : "r"(in), "r"(out), "r"(count), "m"(signals_taken) : "eax", "ecx", "xmm2", "xmm16", "k1", "memory");
}

/* Loads the registers from `in`, waits in registers until `count` more signals were taken,
   stores them to `out` (16 bytes of xmm2 or 32 of ymm2; then 64 of zmm16 and the k1 mask). */
static void hold_registers(const unsigned char *in, unsigned char *out, int count)
{
    if (has_avx512) {
        hold_avx512(in, out, count);
    } else if (has_avx) {
        __asm__ volatile("vmovdqu (%0), %%ymm2\n"
                         "movl %3, %%ecx\n addl %2, %%ecx\n 1: cmpl %%ecx, %3\n jb 1b\n"
                         "vmovdqu %%ymm2, (%1)\n"
                         : : "r"(in), "r"(out), "r"(count), "m"(signals_taken) : "ecx", "xmm2", "memory");
    } else {
        __asm__ volatile("movdqu (%0), %%xmm2\n"
                         "movl %3, %%ecx\n addl %2, %%ecx\n 1: cmpl %%ecx, %3\n jb 1b\n"
                         "movdqu %%xmm2, (%1)\n"
                         : : "r"(in), "r"(out), "r"(count), "m"(signals_taken) : "ecx", "xmm2", "memory");
    }
}

int main(void)
{
    __builtin_cpu_init();
    has_avx = __builtin_cpu_supports("avx"); /* the CPU has it and the kernel enabled it */
    has_avx512 = __builtin_cpu_supports("avx512f");
    unsigned eax, ebx, ecx, edx;
    if (has_avx && __get_cpuid_count(0xd, 2, &eax, &ebx, &ecx, &edx))
        ymm_offset = ebx;

    struct sigaction sa = {0};
    sa.sa_sigaction = clobber;
    sa.sa_flags = SA_SIGINFO | SA_RESTART;
    CHECK(sigaction(SIGALRM, &sa, NULL) == 0);
    struct itimerval every_ms = {{0, 1000}, {0, 1000}};
    CHECK(setitimer(ITIMER_REAL, &every_ms, NULL) == 0);

    unsigned char in[64], out[100] = {0};
    for (int i = 0; i < 64; i++)
        in[i] = (unsigned char)(i * 7 + 3);
    hold_registers(in, out, 20);
    CHECK(signals_taken >= 20);
    CHECK(memcmp(out, in, 16) == 0);
    if (has_avx)
        CHECK(memcmp(out + 16, in + 16, 16) == 0); /* ymm2's upper half */
    if (has_avx512) {
        CHECK(memcmp(out + 32, in, 64) == 0); /* zmm16 */
        CHECK(out[96] == 0x34 && out[97] == 0x12); /* k1 */
    }
    if (has_avx)
        CHECK(frame_had_xsave == 1);

    /* The handler's edits of the frame come back in the registers. */
    edit_frame = 1;
    hold_registers(in, out, 1);
    edit_frame = 0;
    unsigned char xmm_edit[16], ymm_edit[16];
    memset(xmm_edit, 0x5a, 16);
    memset(ymm_edit, 0xa5, 16);
    CHECK(memcmp(out, xmm_edit, 16) == 0);
    if (has_avx)
        CHECK(memcmp(out + 16, ymm_edit, 16) == 0);

    struct itimerval off = {{0, 0}, {0, 0}};
    CHECK(setitimer(ITIMER_REAL, &off, NULL) == 0);
    printf("signal_fp_state: ok (%s)\n", has_avx512 ? "sse, avx, avx-512" : has_avx ? "sse, avx" : "sse");
    return 0;
}
