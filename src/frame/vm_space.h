#pragma once

#include <array>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "frame/phys_mem.h"
#include "frame/ref.h"
#include "frame/result.h"
#include "frame/bytes.h"
#include "frame/user_ptr.h"

namespace asterix::frame {

namespace arch {
class AddressSpace;
struct AddressSpaceDeleter {
    void operator()(AddressSpace* space) const;
};
using AddressSpacePtr = std::unique_ptr<AddressSpace, AddressSpaceDeleter>;
} // namespace arch

/// Page permissions, as bits.
enum PagePerm : u8 {
    perm_none = 0,
    perm_read = 1,
    perm_write = 2,
    perm_exec = 4,
};

enum class Access : u8 { read, write, exec };

/// The lowest address that is not user memory. Above it the hosted backend keeps its stub.
inline constexpr u64 user_space_end = 0x7ffffff00000ull;

struct PageFault {
    u64 addr;
    Access access;
};

/// What one page fault came to, as the services' fault handler decided it. It is returned for
/// that fault alone and nothing keeps it: the backends carry it to signal delivery in the
/// exception info, the user-copy paths turn anything but `handled` into EFAULT. The kinds map
/// one to one to Linux's signals and si_codes; the services own those numbers.
enum class FaultOutcome : u8 {
    handled,       ///< the page table now allows the access: retry it
    no_mapping,    ///< nothing is mapped there (SIGSEGV, SEGV_MAPERR)
    access_denied, ///< a mapping is there but forbids the access (SIGSEGV, SEGV_ACCERR)
    no_backing,    ///< mapped, but nothing backs the page, e.g. past the end of its file (SIGBUS, BUS_ADRERR)
    out_of_memory, ///< no memory to back the page: the faulting process dies (the OOM kill)
};

/// What the page table holds for one page.
struct Mapping {
    Frame frame;
    u8 perms;
    /// Written since the last clear_soft_dirty (Linux's soft-dirty bit); always set before
    /// the first one.
    bool is_soft_dirty {true};
};

/// One user address space: a software page table that is the truth, plus the backend's view of
/// it (on the host, the mappings of an address-space process, used as a TLB).
class VmSpace : public RefCounted<VmSpace> {
public:
    /// Services handle faults on pages the page table does not allow: demand paging, COW, or
    /// an outcome that becomes a signal (or EFAULT in a user copy).
    using FaultHandler = std::function<FaultOutcome(VmSpace&, const PageFault&)>;

    /// Creates an empty address space (on the host: starts an address-space process).
    static Result<Ref<VmSpace>> create();
    ~VmSpace();

    /// Maps one page at `va` (page aligned, below user_space_end), replacing what was there.
    void map(u64 va, Frame frame, u8 perms);
    /// Removes every page in [va, va+len).
    void unmap(u64 va, u64 len);
    /// Changes the permissions of every mapped page in [va, va+len).
    void protect(u64 va, u64 len, u8 perms);
    /// The page mapped at `va`, if any.
    std::optional<Mapping> query(u64 va) const;
    /// Number of pages mapped.
    usize mapped_pages() const { return m_pages.size(); }
    /// Clears the soft-dirty bit of every page in [va, va+len) (clear_refs 4). From the first
    /// call on, writes are tracked: a clean page is kept write-protected in the backend until
    /// a write fault marks it, and new pages start clean.
    void clear_soft_dirty(u64 va, u64 len);
    /// Calls `fn(va, mapping)` for every mapped page in [start, end), in address order.
    void for_each_page(u64 start, u64 end, const std::function<void(u64, const Mapping&)>& fn) const;

    void set_fault_handler(FaultHandler handler) { m_fault_handler = std::move(handler); }
    /// Runs the services' fault handler; `no_mapping` when there is none or the address is not
    /// user memory.
    FaultOutcome handle_fault(const PageFault& fault);

    /// Copies guest memory at `va` into `dst` (EFAULT on any unmapped or unreadable page).
    Result<void> read_bytes(u64 va, std::span<u8> dst);
    /// Copies `src` into guest memory at `va` (EFAULT on any page that is not writable).
    Result<void> write_bytes(u64 va, std::span<const u8> src);
    /// Zero-fills guest memory.
    Result<void> zero_bytes(u64 va, u64 len);
    /// Reads a NUL-terminated string of at most `max_len` bytes (ENAMETOOLONG past that).
    Result<std::string> read_cstring(u64 va, usize max_len);

    template<UserCopyable T>
    Result<T> read(UserPtr<T> ptr)
    {
        T value;
        TRY(read_bytes(ptr.addr(), object_bytes(value)));
        return value;
    }
    template<UserWritable T>
    Result<void> write(UserPtr<T> ptr, const T& value)
    {
        return write_bytes(ptr.addr(), object_bytes(value));
    }

    /// Rewrites the code bytes at `va` (`expected` becomes `replacement`, at most 16 bytes, all
    /// in one page) in a private copy of the page, never in the frame it maps, which may be a
    /// file's page-cache page that other processes and read(2) see. The page must be mapped
    /// executable and not writable. The original bytes are kept: the patch is undone when the
    /// page becomes writable, and forgotten when another frame replaces the page. False when
    /// the bytes differ, a condition fails, patching is forbidden or memory is short.
    bool patch_code(u64 va, std::span<const u8> expected, std::span<const u8> replacement);
    /// The start of the patched site whose bytes hold `va`, if any.
    std::optional<u64> patched_site_at(u64 va) const;
    /// Whether code may be patched here: not once a tracer attached (it must see the program's
    /// own bytes, and its single steps would walk through the patched path).
    bool is_code_patching_allowed() const { return m_is_code_patching_allowed; }
    /// Forbids patching for good and undoes every patch (a tracer attaches).
    void forbid_code_patching();
    /// A forked child takes its parent's patch records for the pages it maps with the same
    /// frames, so that it can undo them too.
    void inherit_code_patches(const VmSpace& parent);

    /// While one lives, the changes that take access away (unmap, protect) reach the backend
    /// together when the last one goes: on the host under systrap, one round trip to the
    /// mapping thread instead of one per range. Only for one step of the kernel's after which
    /// the changes must hold, such as fork's copy-on-write before the child can run: until
    /// then, a guest thread that runs on may still use the old access.
    class TlbBatch {
    public:
        explicit TlbBatch(VmSpace& vm);
        ~TlbBatch();
        TlbBatch(const TlbBatch&) = delete;
        TlbBatch& operator=(const TlbBatch&) = delete;

    private:
        VmSpace& m_vm;
    };

    /// Backend state (frame internal).
    arch::AddressSpace& arch() { return *m_arch; }
    /// Makes the backend's mappings agree with the page table around a faulting address.
    /// Returns false when the page table itself does not allow the access.
    bool fill_tlb(u64 va);
    /// Puts every page of [start, end) that the page table maps into the backend now, in one
    /// batch, rather than on each block's first fault (a fresh exec's image and stack, which
    /// the program touches at once; a fault costs far more than a mapping on the host).
    void fill_tlb_range(u64 start, u64 end);
    /// Counts one page fault of the guest's own accesses (the backends call it for each, the
    /// ones the TLB alone answers too): what a fault costs the host makes this worth watching.
    void count_fault() { ++m_fault_count; }
    /// The page faults counted in this address space (Linux's minor faults of its threads).
    u64 fault_count() const { return m_fault_count; }

private:
    struct Pte {
        Frame frame;
        u8 perms;
        bool is_in_tlb;
        bool is_soft_dirty {true};
        /// In the backend without write permission that `perms` has, to see the first write.
        bool is_write_tracked {false};
    };
    /// What the backend maps a page with: a clean page is not writable there yet.
    static u8 tlb_perms(const Pte& pte);
    /// Makes the backend's mappings of the in-TLB pages in [first, last) (page numbers) agree
    /// with their Ptes (permissions and write tracking), in runs.
    void sync_tlb_perms(u64 first, u64 last);
    explicit VmSpace(arch::AddressSpacePtr arch);
    /// Makes room in the backend for `changes` more mapping changes. When it is short (a host
    /// limits the mappings of a process), every backend mapping goes and the pages fault back
    /// in: returns true then, and no page is in the TLB any more.
    bool make_tlb_room(usize changes);
    template<typename Fn>
    Result<void> for_each_user_chunk(u64 va, u64 len, Access access, Fn&& fn);

    struct PatchedSite {
        u64 va;
        u8 len;
        std::array<u8, 16> original;
        std::array<u8, 16> patched;
    };
    struct PatchedPage {
        u64 pfn; ///< the private copy the sites were patched in
        std::vector<PatchedSite> sites;
    };
    /// Puts the original bytes of a page's patched sites back (where they are still patched)
    /// and forgets them; in a private copy of a frame a fork shares when `may_copy`.
    void undo_patches(u64 vpn, bool may_copy);
    /// What the page table changes at `vpn` mean for its patches: another frame replaces them,
    /// a writable mapping undoes them.
    void on_pte_change(u64 vpn, const Frame* frame, u8 perms);

    std::map<u64, Pte> m_pages; // by virtual page number
    std::map<u64, PatchedPage> m_patches; // by virtual page number
    bool m_is_code_patching_allowed {true};
    u64 m_fault_count {0};
    /// Set by the first clear_soft_dirty: new pages start clean from then on.
    bool m_is_tracking_soft_dirty {false};
    arch::AddressSpacePtr m_arch;
    FaultHandler m_fault_handler;
};

} // namespace asterix::frame
