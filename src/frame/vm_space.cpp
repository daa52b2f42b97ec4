#include "frame/vm_space.h"

#include <algorithm>
#include <cstring>

#include "frame/arch.h"
#include "frame/internal.h"

namespace asterix::frame {

namespace {

bool allows(u8 perms, Access access)
{
    switch (access) {
    case Access::read:
        return perms & perm_read;
    case Access::write:
        return perms & perm_write;
    case Access::exec:
        return perms & perm_exec;
    }
    return false;
}

/// How many pages around a fault the backend maps in one go (aligned block).
constexpr u64 tlb_fill_pages = 16;

} // namespace

Result<Ref<VmSpace>> VmSpace::create()
{
    auto arch = TRY(arch::create_address_space());
    return Ref<VmSpace>(new VmSpace(std::move(arch)));
}

VmSpace::VmSpace(arch::AddressSpacePtr arch) : m_arch(std::move(arch)) {}

VmSpace::~VmSpace() = default;

VmSpace::TlbBatch::TlbBatch(VmSpace& vm) : m_vm(vm) { arch::tlb_begin_batch(*m_vm.m_arch); }

VmSpace::TlbBatch::~TlbBatch() { arch::tlb_end_batch(*m_vm.m_arch); }

bool VmSpace::make_tlb_room(usize changes)
{
    if (arch::tlb_has_room(*m_arch, changes))
        return false;
    arch::tlb_unmap_all(*m_arch);
    for (auto& [vpn, pte] : m_pages)
        pte.is_in_tlb = false;
    return true;
}

void VmSpace::map(u64 va, Frame frame, u8 perms)
{
    AX_ASSERT(is_page_aligned(va) && va < user_space_end && !frame.is_null());
    u64 vpn = va >> page_shift;
    make_tlb_room(1);
    if (!m_patches.empty())
        on_pte_change(vpn, &frame, perms);
    auto it = m_pages.find(vpn);
    bool was_in_tlb = it != m_pages.end() && it->second.is_in_tlb;
    Pte pte {std::move(frame), perms, false, !m_is_tracking_soft_dirty, false};
    if (was_in_tlb) {
        // Replace the backend mapping right away rather than leave a stale one to fault on.
        u8 backend_perms = tlb_perms(pte);
        if (backend_perms != perm_none) {
            arch::tlb_map(*m_arch, va, pte.frame.pfn(), 1, backend_perms);
            pte.is_in_tlb = true;
            pte.is_write_tracked = backend_perms != perms;
        } else {
            arch::tlb_unmap(*m_arch, va, page_size);
        }
    }
    m_pages.insert_or_assign(vpn, std::move(pte));
}

void VmSpace::unmap(u64 va, u64 len)
{
    if (len == 0)
        return;
    u64 first = va >> page_shift;
    u64 last = (page_round_up(va + len) >> page_shift); // exclusive
    for (auto patched = m_patches.lower_bound(first); patched != m_patches.end() && patched->first < last;)
        patched = m_patches.erase(patched);
    auto it = m_pages.lower_bound(first);
    u64 tlb_first = ~0ull, tlb_last = 0;
    while (it != m_pages.end() && it->first < last) {
        if (it->second.is_in_tlb) {
            tlb_first = std::min(tlb_first, it->first);
            tlb_last = it->first + 1;
        }
        it = m_pages.erase(it);
    }
    if (tlb_first < tlb_last && !make_tlb_room(1))
        arch::tlb_unmap(*m_arch, tlb_first << page_shift, (tlb_last - tlb_first) << page_shift);
}

void VmSpace::protect(u64 va, u64 len, u8 perms)
{
    u64 first = va >> page_shift;
    u64 last = page_round_up(va + len) >> page_shift;
    if (perms & perm_write) {
        for (auto patched = m_patches.lower_bound(first); patched != m_patches.end() && patched->first < last;) {
            u64 vpn = patched->first;
            ++patched;
            undo_patches(vpn, true);
        }
    }
    for (auto it = m_pages.lower_bound(first); it != m_pages.end() && it->first < last; ++it)
        it->second.perms = perms;
    sync_tlb_perms(first, last);
}

void VmSpace::clear_soft_dirty(u64 va, u64 len)
{
    m_is_tracking_soft_dirty = true;
    u64 first = va >> page_shift;
    u64 last = page_round_up(va + len) >> page_shift;
    for (auto it = m_pages.lower_bound(first); it != m_pages.end() && it->first < last; ++it)
        it->second.is_soft_dirty = false;
    sync_tlb_perms(first, last);
}

u8 VmSpace::tlb_perms(const Pte& pte) { return pte.is_soft_dirty ? pte.perms : pte.perms & ~perm_write; }

void VmSpace::sync_tlb_perms(u64 first, u64 last)
{
    u64 run_start = 0, run_end = 0;
    u8 run_perms = perm_none;
    auto flush_run = [&] {
        if (run_start == run_end)
            return;
        if (make_tlb_room(1)) {
            // Every page left the TLB, this run's too: nothing to change.
            run_start = run_end = 0;
            return;
        }
        if (run_perms == perm_none)
            arch::tlb_unmap(*m_arch, run_start << page_shift, (run_end - run_start) << page_shift);
        else
            arch::tlb_protect(*m_arch, run_start << page_shift, (run_end - run_start) << page_shift, run_perms);
        run_start = run_end = 0;
    };
    for (auto it = m_pages.lower_bound(first); it != m_pages.end() && it->first < last; ++it) {
        Pte& pte = it->second;
        if (!pte.is_in_tlb)
            continue;
        u8 perms = tlb_perms(pte);
        if (run_end != it->first || perms != run_perms) {
            flush_run();
            if (!pte.is_in_tlb)
                continue; // the flush made room by dropping every mapping
        }
        pte.is_write_tracked = perms != pte.perms;
        if (perms == perm_none)
            pte.is_in_tlb = false;
        if (run_start == run_end) {
            run_start = it->first;
            run_perms = perms;
        }
        run_end = it->first + 1;
    }
    flush_run();
}

void VmSpace::for_each_page(u64 start, u64 end, const std::function<void(u64, const Mapping&)>& fn) const
{
    for (auto it = m_pages.lower_bound(start >> page_shift); it != m_pages.end() && (it->first << page_shift) < end; ++it)
        fn(it->first << page_shift, Mapping {it->second.frame, it->second.perms, it->second.is_soft_dirty});
}

std::optional<Mapping> VmSpace::query(u64 va) const
{
    auto it = m_pages.find(va >> page_shift);
    if (it == m_pages.end())
        return std::nullopt;
    return Mapping {it->second.frame, it->second.perms, it->second.is_soft_dirty};
}

FaultOutcome VmSpace::handle_fault(const PageFault& fault)
{
    if (!m_fault_handler || fault.addr >= user_space_end)
        return FaultOutcome::no_mapping;
    return m_fault_handler(*this, fault);
}

bool VmSpace::fill_tlb(u64 va)
{
    u64 vpn = va >> page_shift;
    auto hit = m_pages.find(vpn);
    if (hit == m_pages.end() || hit->second.perms == perm_none)
        return false;
    if (hit->second.is_in_tlb) {
        if (!hit->second.is_write_tracked)
            return false;
        // The first write to a clean page since clear_soft_dirty: it is soft-dirty now, and
        // the backend may let the next writes through.
        Pte& pte = hit->second;
        pte.is_soft_dirty = true;
        pte.is_write_tracked = false;
        if (!make_tlb_room(1)) {
            arch::tlb_protect(*m_arch, vpn << page_shift, page_size, pte.perms);
            return true;
        }
        // Every backend mapping went to make room: fill the block as for any missing page.
    }

    // Map the whole aligned block around the fault, merging runs of pages that are contiguous
    // both virtually and physically into one backend mapping. Room for the whole block first,
    // so that the faulting page is never dropped again by its own fill.
    make_tlb_room(tlb_fill_pages);
    u64 block = vpn & ~(tlb_fill_pages - 1);
    u64 run_vpn = 0, run_pfn = 0, run_pages = 0;
    u8 run_perms = 0;
    auto flush_run = [&] {
        if (run_pages)
            arch::tlb_map(*m_arch, run_vpn << page_shift, run_pfn, run_pages, run_perms);
        run_pages = 0;
    };
    for (auto it = m_pages.lower_bound(block); it != m_pages.end() && it->first < block + tlb_fill_pages; ++it) {
        Pte& pte = it->second;
        if (pte.is_in_tlb || pte.perms == perm_none) {
            flush_run();
            continue;
        }
        u8 perms = tlb_perms(pte);
        bool extends = run_pages && it->first == run_vpn + run_pages && pte.frame.pfn() == run_pfn + run_pages
            && perms == run_perms;
        if (!extends) {
            flush_run();
            run_vpn = it->first;
            run_pfn = pte.frame.pfn();
            run_perms = perms;
        }
        ++run_pages;
        pte.is_in_tlb = true;
        pte.is_write_tracked = perms != pte.perms;
    }
    flush_run();
    return true;
}

void VmSpace::fill_tlb_range(u64 start, u64 end)
{
    for (auto it = m_pages.lower_bound(start >> page_shift); it != m_pages.end() && (it->first << page_shift) < end;) {
        u64 vpn = it->first;
        // A fill maps the page's whole block: the rest of the block is in the TLB after it.
        if (!it->second.is_in_tlb && it->second.perms != perm_none)
            fill_tlb(vpn << page_shift);
        it = m_pages.upper_bound(vpn);
    }
}

template<typename Fn>
Result<void> VmSpace::for_each_user_chunk(u64 va, u64 len, Access access, Fn&& fn)
{
    if (len == 0)
        return {};
    if (va >= user_space_end || len > user_space_end - va)
        return Errno::efault;
    u64 done = 0;
    while (done < len) {
        u64 addr = va + done;
        u64 vpn = addr >> page_shift;
        auto it = m_pages.find(vpn);
        if (it == m_pages.end() || !allows(it->second.perms, access)) {
            // Whatever stopped the access (no mapping, no backing, no memory), a user copy
            // fails with EFAULT as Linux's do; the outcome is the fault's and goes no further.
            if (handle_fault({addr, access}) != FaultOutcome::handled)
                return Errno::efault;
            it = m_pages.find(vpn);
            if (it == m_pages.end() || !allows(it->second.perms, access))
                return Errno::efault;
        }
        if (access == Access::write)
            it->second.is_soft_dirty = true; // the backend may still see the guest's first write
        u64 in_page = addr & (page_size - 1);
        u64 chunk = std::min(page_size - in_page, len - done);
        fn(frame_direct_bytes(it->second.frame).subspan(in_page, chunk), done);
        done += chunk;
    }
    return {};
}

Result<void> VmSpace::read_bytes(u64 va, std::span<u8> dst)
{
    return for_each_user_chunk(va, dst.size(), Access::read, [&](std::span<u8> page, u64 done) {
        std::memcpy(dst.data() + done, page.data(), page.size());
    });
}

Result<void> VmSpace::write_bytes(u64 va, std::span<const u8> src)
{
    return for_each_user_chunk(va, src.size(), Access::write, [&](std::span<u8> page, u64 done) {
        std::memcpy(page.data(), src.data() + done, page.size());
    });
}

Result<void> VmSpace::zero_bytes(u64 va, u64 len)
{
    return for_each_user_chunk(va, len, Access::write, [&](std::span<u8> page, u64) {
        std::memset(page.data(), 0, page.size());
    });
}

Result<std::string> VmSpace::read_cstring(u64 va, usize max_len)
{
    std::string out;
    for (;;) {
        u64 addr = va + out.size();
        u64 chunk = page_size - (addr & (page_size - 1));
        bool is_done = false;
        auto result = for_each_user_chunk(addr, chunk, Access::read, [&](std::span<u8> page, u64) {
            auto nul = std::find(page.begin(), page.end(), u8 {0});
            out.append(page.begin(), nul);
            is_done = nul != page.end();
        });
        if (out.size() > max_len)
            return Errno::enametoolong;
        if (is_done)
            return out;
        if (result.is_error())
            return Errno::efault;
    }
}

void VmSpace::on_pte_change(u64 vpn, const Frame* frame, u8 perms)
{
    auto patched = m_patches.find(vpn);
    if (patched == m_patches.end())
        return;
    if (!frame || frame->pfn() != patched->second.pfn)
        m_patches.erase(patched); // the patched copy is gone from this page
    else if (perms & perm_write)
        undo_patches(vpn, false);
}

void VmSpace::undo_patches(u64 vpn, bool may_copy)
{
    auto patched = m_patches.find(vpn);
    if (patched == m_patches.end())
        return;
    PatchedPage page = std::move(patched->second);
    m_patches.erase(patched);
    auto pte = m_pages.find(vpn);
    if (pte == m_pages.end() || pte->second.frame.pfn() != page.pfn)
        return;
    // A frame that a fork shares is the other process's code too: this space gets a copy with
    // the original bytes (in place only when memory is short, or when the caller is about to
    // map this very frame: those bytes are the other's own original ones, and it patches its
    // site again at its next call).
    Frame target = pte->second.frame;
    bool is_copy = false;
    if (may_copy && target.share_count() > 2) { // the page table's and `target`
        if (auto copy = Frame::alloc_zeroed(); !copy.is_error()) {
            auto from = frame_direct_bytes(target);
            target = copy.release_value();
            auto to = frame_direct_bytes(target);
            std::copy(from.begin(), from.end(), to.begin());
            is_copy = true;
        }
    }
    auto bytes = frame_direct_bytes(target);
    for (const PatchedSite& site : page.sites) {
        usize offset = site.va & (page_size - 1);
        // Only bytes that still hold the patch: a forked sibling that shares the frame may
        // have put them back already.
        if (std::equal(site.patched.begin(), site.patched.begin() + site.len, bytes.begin() + static_cast<isize>(offset)))
            std::copy_n(site.original.begin(), site.len, bytes.begin() + static_cast<isize>(offset));
    }
    if (is_copy)
        map(vpn << page_shift, std::move(target), pte->second.perms);
}

bool VmSpace::patch_code(u64 va, std::span<const u8> expected, std::span<const u8> replacement)
{
    u64 vpn = va >> page_shift;
    usize offset = va & (page_size - 1);
    usize len = expected.size();
    if (!m_is_code_patching_allowed || len == 0 || len > 16 || replacement.size() != len || offset + len > page_size)
        return false;
    auto pte = m_pages.find(vpn);
    if (pte == m_pages.end() || !(pte->second.perms & perm_exec) || (pte->second.perms & perm_write))
        return false;
    auto current = frame_direct_bytes(pte->second.frame);
    if (!std::equal(expected.begin(), expected.end(), current.begin() + static_cast<isize>(offset)))
        return false;
    auto patched = m_patches.find(vpn);
    // The page's own patched copy, which nobody else holds (the page table and this function's
    // look at it), is patched in place; any other frame (a page-cache page, the vDSO's, one
    // that a fork shares) gets a private copy first.
    bool is_own_copy = patched != m_patches.end() && patched->second.pfn == pte->second.frame.pfn() && pte->second.frame.share_count() <= 1;
    Frame target = pte->second.frame;
    if (!is_own_copy) {
        auto copy = Frame::alloc_zeroed();
        if (copy.is_error())
            return false;
        target = copy.release_value();
        auto to = frame_direct_bytes(target);
        std::copy(current.begin(), current.end(), to.begin());
    }
    // In gVisor's order, though no guest thread of this address space runs while the kernel
    // does: the byte after the first instruction first, then the tail, then the opcode.
    auto bytes = frame_direct_bytes(target);
    PatchedSite site {va, static_cast<u8>(len), {}, {}};
    std::copy(expected.begin(), expected.end(), site.original.begin());
    std::copy(replacement.begin(), replacement.end(), site.patched.begin());
    if (len > 5)
        bytes[offset + 5] = replacement[5];
    std::copy(replacement.begin() + 1, replacement.end(), bytes.begin() + static_cast<isize>(offset + 1));
    bytes[offset] = replacement[0];
    if (!is_own_copy) {
        PatchedPage page {target.pfn(), {}};
        if (patched != m_patches.end())
            page.sites = std::move(patched->second.sites); // the copy carries the earlier patches
        m_patches.insert_or_assign(vpn, std::move(page));
        map(vpn << page_shift, target, pte->second.perms);
    }
    m_patches[vpn].sites.push_back(site);
    return true;
}

std::optional<u64> VmSpace::patched_site_at(u64 va) const
{
    for (u64 vpn : {va >> page_shift, (va >> page_shift) - 1}) {
        auto patched = m_patches.find(vpn);
        if (patched == m_patches.end())
            continue;
        for (const PatchedSite& site : patched->second.sites) {
            if (va >= site.va && va < site.va + site.len)
                return site.va;
        }
    }
    return std::nullopt;
}

void VmSpace::forbid_code_patching()
{
    m_is_code_patching_allowed = false;
    while (!m_patches.empty())
        undo_patches(m_patches.begin()->first, true);
}

void VmSpace::inherit_code_patches(const VmSpace& parent)
{
    for (const auto& [vpn, page] : parent.m_patches) {
        auto pte = m_pages.find(vpn);
        if (pte != m_pages.end() && pte->second.frame.pfn() == page.pfn)
            m_patches.insert_or_assign(vpn, page);
    }
}

} // namespace asterix::frame
