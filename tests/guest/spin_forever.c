// Loops forever without a single syscall. For the lead's preemption test (the kernel must
// still get control back, e.g. to deliver a kill or run another task): never run as a test.
// native: skip
// harness: skip
int main(void)
{
    for (;;)
        __asm__ volatile("" ::: "memory");
}
