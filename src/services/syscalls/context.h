#pragma once

#include "services/process/process.h"

namespace asterix::services {

/// What a syscall handler works on: the calling thread and its process.
class Context {
public:
    explicit Context(Thread& thread) : m_thread(thread) {}

    Thread& thread() { return m_thread; }
    Process& process() { return m_thread.process(); }
    /// The caller's memory, for reading and writing guest pointers.
    frame::VmSpace& user() { return process().vm(); }
    MemoryMap& memory() { return *process().memory(); }
    FdTable& files() { return *process().files(); }

private:
    Thread& m_thread;
};

} // namespace asterix::services
