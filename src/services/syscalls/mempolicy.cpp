// set_mempolicy, get_mempolicy, mbind (mm/mempolicy.c). The machine has one NUMA node, node 0:
// a policy is checked and kept as Linux does, and every policy places memory on that node.

#include "services/abi/mempolicy.h"
#include "services/mm/memory_map.h"
#include "services/syscalls/handlers.h"

namespace asterix::services {

namespace {

/// The nodes a mask may name (MAX_NUMNODES); bits beyond them must be clear.
constexpr u64 max_numnodes = 1024;
/// The online nodes: node 0.
constexpr u64 online_nodes = 1;

/// Linux's sanitize_mpol_flags: splits the mode flags off and checks both.
Result<Process::MemoryPolicy> split_mode(int mode)
{
    Process::MemoryPolicy policy;
    policy.flags = mode & abi::mpol_mode_flags;
    policy.mode = mode & ~abi::mpol_mode_flags;
    if (static_cast<u32>(policy.mode) >= abi::mpol_max)
        return Errno::einval;
    if ((policy.flags & abi::mpol_f_static_nodes) && (policy.flags & abi::mpol_f_relative_nodes))
        return Errno::einval;
    if ((policy.flags & abi::mpol_f_numa_balancing) && policy.mode != abi::mpol_bind
        && policy.mode != abi::mpol_preferred_many)
        return Errno::einval;
    return policy;
}

/// Linux's get_nodes: maxnode - 1 bits from the caller; none for a null mask. Returns the
/// first word (nodes 0..63); FIXME: nodes 64..1023 named alone count as an empty mask.
Result<u64> read_nodes(Context& ctx, UserPtr<u64> mask, u64 maxnode)
{
    if (maxnode > 0)
        --maxnode;
    if (maxnode == 0 || mask.is_null())
        return u64 {0};
    if (maxnode > page_size * 8)
        return Errno::einval;
    u64 words = (maxnode + 63) / 64;
    u64 first = 0;
    for (u64 i = 0; i < words; ++i) {
        u64 word = TRY(ctx.user().read(UserPtr<u64>(mask.addr() + i * 8)));
        if (i == words - 1 && maxnode % 64)
            word &= (u64 {1} << (maxnode % 64)) - 1;
        if (i == 0)
            first = word;
        else if (i * 64 >= max_numnodes && word)
            return Errno::einval;
    }
    // Only node 0 exists; a mask naming other nodes alone selects nothing.
    return first;
}

/// Linux's mpol_new and mpol_set_nodemask for one online node.
Result<Process::MemoryPolicy> make_policy(Process::MemoryPolicy policy, u64 nodes, bool names_any_node)
{
    if (policy.mode == abi::mpol_default) {
        if (names_any_node)
            return Errno::einval;
        return Process::MemoryPolicy {};
    }
    if (policy.mode == abi::mpol_local) {
        if (names_any_node || (policy.flags & (abi::mpol_f_static_nodes | abi::mpol_f_relative_nodes)))
            return Errno::einval;
        policy.nodes = 0;
        return policy;
    }
    if (!names_any_node)
        return Errno::einval;
    // Relative nodes fold onto the online ones; others must name an online node.
    policy.nodes = (policy.flags & abi::mpol_f_relative_nodes) ? online_nodes : nodes & online_nodes;
    if (!policy.nodes)
        return Errno::einval;
    return policy;
}

/// Reads a mode and mask as set_mempolicy and mbind take them.
Result<Process::MemoryPolicy> read_policy(Context& ctx, int mode, UserPtr<u64> mask, u64 maxnode)
{
    Process::MemoryPolicy policy = TRY(split_mode(mode));
    u64 nodes = TRY(read_nodes(ctx, mask, maxnode));
    return make_policy(policy, nodes, nodes != 0);
}

} // namespace

Result<long> sys_set_mempolicy(Context& ctx, int mode, UserPtr<u64> nodemask, u64 maxnode)
{
    ctx.process().set_memory_policy(TRY(read_policy(ctx, mode, nodemask, maxnode)));
    return 0;
}

Result<long> sys_mbind(Context& ctx, u64 start, u64 len, int mode, UserPtr<u64> nodemask, u64 maxnode, u64 flags)
{
    Process::MemoryPolicy wanted = TRY(split_mode(mode));
    u64 nodes = TRY(read_nodes(ctx, nodemask, maxnode));
    if (flags & ~(abi::mpol_mf_strict | abi::mpol_mf_move | abi::mpol_mf_move_all))
        return Errno::einval;
    if ((flags & abi::mpol_mf_move_all) && !ctx.thread().credentials().has_capability(abi::Capability::sys_nice))
        return Errno::eperm;
    if (start & (page_size - 1))
        return Errno::einval;
    u64 size = (len + page_size - 1) & ~(page_size - 1);
    if (size < len || start + size < start)
        return Errno::einval;
    if (size == 0)
        return 0;
    TRY(make_policy(wanted, nodes, nodes != 0));
    // A hole in the range is EFAULT (mbind(2)). FIXME: the policy of a range is checked, not
    // kept: with one node every range's memory is on node 0 anyway.
    if (ctx.memory().residency(start, size).is_error())
        return Errno::efault;
    return 0;
}

Result<long> sys_get_mempolicy(Context& ctx, UserPtr<i32> mode, UserPtr<u64> nodemask, u64 maxnode, u64 addr, u64 flags)
{
    // nr_node_ids is 1: a mask needs room for one node.
    if (!nodemask.is_null() && maxnode < 1)
        return Errno::einval;
    if (flags & ~(abi::mpol_f_node | abi::mpol_f_addr | abi::mpol_f_mems_allowed))
        return Errno::einval;
    Process::MemoryPolicy policy = ctx.process().memory_policy();
    i32 value = 0;
    u64 nodes = 0;
    if (flags & abi::mpol_f_mems_allowed) {
        if (flags & (abi::mpol_f_node | abi::mpol_f_addr))
            return Errno::einval;
        nodes = online_nodes;
    } else {
        if (flags & abi::mpol_f_addr) {
            if (ctx.memory().residency(addr & ~(page_size - 1), page_size).is_error())
                return Errno::efault;
            policy = Process::MemoryPolicy {}; // ranges keep no policy of their own yet
        } else if (addr) {
            return Errno::einval;
        }
        if (flags & abi::mpol_f_node) {
            // The node of the page, or the next interleave node: node 0 either way.
            if (!(flags & abi::mpol_f_addr) && policy.mode != abi::mpol_interleave
                && policy.mode != abi::mpol_weighted_interleave)
                return Errno::einval;
            value = 0;
        } else {
            value = policy.mode | policy.flags;
        }
        nodes = policy.nodes;
    }
    if (!mode.is_null())
        TRY(ctx.user().write(mode, value));
    if (!nodemask.is_null()) {
        // Linux's copy_nodes_to_user: one long of nodes, the rest of the caller's mask zeroed.
        u64 copy = ((maxnode - 1 + 63) / 64) * 8;
        if (copy > 8) {
            if (copy > page_size)
                return Errno::einval;
            TRY(ctx.user().zero_bytes(nodemask.addr() + 8, copy - 8));
        }
        if (copy)
            TRY(ctx.user().write(nodemask, nodes));
    }
    return 0;
}

} // namespace asterix::services
