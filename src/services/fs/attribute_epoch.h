#pragma once

#include "frame/types.h"

namespace asterix::services {

/// How long attributes a file system fetched from the host (hostfs) may be used again: while
/// the kernel serves one trap of a guest thread. A path walk asks for each directory's mode at
/// its search check, and stat or open asks again for the object it just looked up; within one
/// trap's service those are one answer. The next run of any guest thread ends the epoch, so
/// whatever a guest did, and whatever a host process did meanwhile, is seen by asking again.
/// (A host process may change a file at any moment; within one service that is the race Linux
/// has too, between a concurrent chmod and a stat that answers just before it.)
class AttributeEpoch {
public:
    static u64 current() { return s_current; }
    /// A guest thread ran: what was fetched before may be out of date.
    static void advance() { ++s_current; }

private:
    static inline u64 s_current {1};
};

} // namespace asterix::services
