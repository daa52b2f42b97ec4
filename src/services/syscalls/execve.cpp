// execve, execveat

#include "frame/task.h"
#include "services/abi/signal.h"
#include "services/exec/exec.h"
#include "services/process/posix_timer.h"
#include "services/process/process_table.h"
#include "services/syscalls/handlers.h"
#include "services/syscalls/path.h"

namespace asterix::services {

namespace {
/// Linux's limits on one argument string and on the count (MAX_ARG_STRLEN, MAX_ARG_STRINGS).
constexpr usize max_arg_bytes = 32 * page_size;
constexpr usize max_arg_count = 0x7fffffff;

Result<std::vector<std::string>> read_string_array(Context& ctx, UserPtr<u64> array)
{
    std::vector<std::string> strings;
    if (array.is_null())
        return strings;
    u64 total = 0;
    for (usize i = 0;; ++i) {
        if (i >= max_arg_count)
            return Errno::e2big;
        u64 pointer = TRY(ctx.user().read(array.element(i)));
        if (pointer == 0)
            break;
        auto text = ctx.user().read_cstring(pointer, max_arg_bytes - 1);
        if (text.is_error())
            return text.error() == Errno::enametoolong ? Errno::e2big : text.error();
        total += text.value().size() + 1 + sizeof(u64);
        if (total > stack_max_bytes / 4)
            return Errno::e2big;
        strings.push_back(text.release_value());
    }
    return strings;
}
} // namespace

Result<long> sys_execveat(Context& ctx, int dirfd, UserPtr<char> path, UserPtr<u64> argv_ptr, UserPtr<u64> envp_ptr, int flags)
{
    if (flags & ~(abi::at_symlink_nofollow | abi::at_empty_path))
        return Errno::einval;
    std::string name = TRY(read_path(ctx, path));
    auto argv = TRY(read_string_array(ctx, argv_ptr));
    // Since Linux 5.18 an empty argv gives the program argc 1 and an empty argv[0], so that
    // programs which take argv[1] for granted do not read the environment instead.
    if (argv.empty())
        argv.emplace_back();
    auto envp = TRY(read_string_array(ctx, envp_ptr));
    std::string exec_path;
    if (name.empty()) {
        if (!(flags & abi::at_empty_path))
            return Errno::enoent;
        auto file = TRY(ctx.files().get(dirfd));
        if (!file->dentry())
            return Errno::eacces;
        exec_path = file->dentry()->path();
    } else if (name.front() == '/' || dirfd == abi::at_fdcwd) {
        exec_path = name;
    } else {
        // FIXME: exec_program resolves a path string again; it should take the dentry this
        // lookup found (the string is the global path, wrong for a chrooted process).
        exec_path = TRY(start_dir(ctx, dirfd))->path() + "/" + name;
    }
    if (flags & abi::at_symlink_nofollow) {
        auto dentry = TRY(lookup_at(ctx, dirfd, name, flags));
        if (dentry->inode().is_symlink())
            return Errno::eloop;
    }
    if (auto error = exec_program(ctx.thread(), exec_path, std::move(argv), envp))
        return error->error;
    // The new image: the other threads end, a shared descriptor table and signal handlers
    // become the process's own, close-on-exec descriptors close, handled signals go back to
    // their default, and a vfork parent may go on.
    Process& process = ctx.process();
    Thread& self = ctx.thread();
    i32 former_tid = self.tid();
    for (auto& thread : process.threads()) {
        if (thread.get() != &self) {
            // They die with the old image: nothing of theirs may touch the new one.
            thread->mark_exiting();
            thread->set_clear_child_tid(0);
            thread->set_robust_list(0, 0);
            if (thread->task())
                thread->task()->interrupt();
        }
    }
    while (process.threads().size() > 1)
        frame::yield();
    if (self.tid() != process.pid()) {
        ProcessTable::remove_thread(self);
        self.set_tid(process.pid());
        ProcessTable::add_thread(self);
        if (self.task())
            self.task()->tag = static_cast<u64>(process.pid());
    }
    if (process.files()->ref_count() > 1) {
        // Past the point of no return a copy that the kernel memory cannot take leaves the
        // table shared with the CLONE_FILES peers it was shared with already.
        if (auto copy = process.files()->clone(); !copy.is_error())
            process.replace_files(copy.release_value());
    }
    if (process.sighand()->ref_count() > 1) {
        auto own = make_ref<SignalHandlers>();
        own->actions = process.sighand()->actions;
        process.replace_sighand(own);
    }
    process.files()->close_on_exec();
    drop_posix_timers(process); // timer_create(2): exec deletes them; itimers stay
    for (auto& action : process.sighand()->actions) {
        if (action.handler != abi::sig_ign)
            action = {};
    }
    ctx.thread().set_alt_stack({0, 2 /* SS_DISABLE */, 0, 0});
    process.mark_execed();
    ptrace_exec(self, former_tid);
    return 0;
}

Result<long> sys_execve(Context& ctx, UserPtr<char> path, UserPtr<u64> argv, UserPtr<u64> envp)
{
    return sys_execveat(ctx, abi::at_fdcwd, path, argv, envp, 0);
}

} // namespace asterix::services
