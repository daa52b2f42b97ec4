# gdb support for debugging the Asterix kernel: `./asterix debug run PROGRAM ARGS...` starts
# asterix under gdb with this file loaded (or: gdb -x tools/asterix.gdb --args build/asterix run ...).
# The bare-metal kernel in QEMU is debugged with the same commands: `./asterix boot --gdb` prints
# the gdb command line that attaches to QEMU's gdbstub (gdb -x tools/asterix.gdb build/asterix_kernel
# -ex 'target remote SOCKET').
#
# Commands:
#   ax-tasks            kernel tasks: id, state, guest tid, what each waits on
#   ax-task-bt ID       backtrace of a switched-out kernel task, on its own stack
#   ax-ps               guest processes: pid, ppid, group, session, state, threads
#   ax-maps [PID]       a guest's memory map from kernel state (default: the current guest)
#   ax-fds [PID]        a guest's file descriptors from kernel state
#
# ax-tasks and ax-task-bt read kernel memory only; ax-ps, ax-maps and ax-fds call into the
# kernel (src/*/debug.cpp), which gdb 13 does on CPUs with AMX state only with a harmless
# "Couldn't write extended state status" complaint. Under QEMU the kernel's log is the serial
# line, so their output is also read back from kernel memory and printed here.

# The host signals Asterix uses as interrupts pass through without stopping or printing:
# SIGALRM is the timer, SIGCHLD the address-space processes' stops; SIGINT, SIGQUIT and SIGTSTP
# are forwarded to the guest's foreground job (gdb itself takes ^C before asterix sees it).
handle SIGALRM nostop noprint pass
handle SIGCHLD nostop noprint pass
handle SIGWINCH nostop noprint pass
handle SIGPIPE nostop noprint pass
handle SIGQUIT nostop noprint pass
handle SIGTSTP nostop noprint pass

# Address-space processes are forks of asterix: stay with the kernel, let them go.
set follow-fork-mode parent
set detach-on-fork on
set print pretty on
set pagination off
# Long C++ frames stay on one line; the terminal wraps them, not gdb.
set width 0

python
import gdb
import functools

def in_kernel_language(invoke):
    """Runs a command's invoke with gdb's language set to C++: after ^C gdb stops in the host's
    libc (ppoll), a C frame, where C++ names such as asterix::frame::Task do not parse."""
    @functools.wraps(invoke)
    def wrapper(self, arg, from_tty):
        language = gdb.parameter("language")
        gdb.execute("set language c++", to_string=True)
        try:
            return invoke(self, arg, from_tty)
        finally:
            gdb.execute("set language %s" % language, to_string=True)
    return wrapper

def register_std_printers():
    """libstdc++'s pretty printers for every objfile: gdb loads them only with libstdc++.so, which
the hosted asterix links and the bare-metal kernel, linked static, does not."""
    import glob
    import sys
    for directory in sorted(glob.glob("/usr/share/gcc*/python")):
        if directory not in sys.path:
            sys.path.insert(0, directory)
    try:
        from libstdcxx.v6 import register_libstdcxx_printers
    except ImportError:
        return
    if not any(getattr(printer, "name", "").startswith("libstdc++") for printer in gdb.pretty_printers):
        register_libstdcxx_printers(None)

register_std_printers()

def is_remote():
    """Whether the kernel runs behind a gdbstub (QEMU), where its log is not gdb's terminal."""
    connection = getattr(gdb.selected_inferior(), "connection", None)
    return connection is not None and connection.type != "native"

def std_string(value):
    """A std::string's text, read from its fields so that it needs no pretty printer."""
    length = int(value["_M_string_length"])
    return value["_M_dataplus"]["_M_p"].string(length=length)

class KernelCall(gdb.Command):
    """Calls a debugger entry point of the kernel (src/services/debug.cpp)."""

    def __init__(self, name, function, takes_pid):
        super().__init__(name, gdb.COMMAND_STATUS)
        self.function = function
        self.takes_pid = takes_pid

    @in_kernel_language
    def invoke(self, arg, from_tty):
        # Under QEMU the CPU may be stopped in a guest program (ring 3), where a call into
        # the kernel would fault; the commands that only read kernel memory work there.
        if is_remote() and int(gdb.parse_and_eval("$cs")) & 3:
            raise gdb.GdbError("the CPU is in a guest program (ring 3): stop in the kernel first, "
                               "e.g. break asterix::services::dispatch_syscall; ax-tasks works here")
        call = self.function + "(" + ((arg.strip() or "0") if self.takes_pid else "") + ")"
        gdb.execute("set var ax_debug_output_len = 0", to_string=True)
        gdb.execute("call (void) " + call, to_string=True)
        if is_remote():
            length = int(gdb.parse_and_eval("ax_debug_output_len"))
            text = gdb.selected_inferior().read_memory(gdb.parse_and_eval("&ax_debug_output").cast(
                gdb.lookup_type("char").pointer()), min(length, 32768)).tobytes()
            gdb.write(text.decode("utf-8", "replace"))
            if text and not text.endswith(b"\n"):
                gdb.write("\n")

class Processes(KernelCall):
    """ax-ps: list the guest processes from the kernel's process table."""

    def __init__(self):
        super().__init__("ax-ps", "ax_debug_processes", False)

class Maps(KernelCall):
    """ax-maps [PID]: a guest's memory map (areas and resident pages) from kernel state. Default: the current guest."""

    def __init__(self):
        super().__init__("ax-maps", "ax_debug_maps", True)

class Fds(KernelCall):
    """ax-fds [PID]: a guest's file descriptors from kernel state. Default: the current guest."""

    def __init__(self):
        super().__init__("ax-fds", "ax_debug_fds", True)

def kernel_tasks():
    """The scheduler's tasks, read from kernel memory without calling into the kernel."""
    scheduler = gdb.parse_and_eval("asterix::frame::Scheduler::s_instance")
    if int(scheduler) == 0:
        return [], 0
    impl = scheduler["m_tasks"]["_M_impl"]
    start, finish = impl["_M_start"], impl["_M_finish"]
    task_pointer = gdb.lookup_type("asterix::frame::Task").pointer()
    tasks = []
    for i in range(int(finish - start)):
        # A unique_ptr with the default deleter is one pointer.
        holder = (start + i).cast(task_pointer.pointer()).dereference()
        tasks.append(holder.dereference())
    return tasks, int(scheduler["m_current"])

def task_name(task):
    return std_string(task["m_name"])

class Tasks(gdb.Command):
    """ax-tasks: list the kernel tasks: id, state, guest tid, what each waits on."""

    def __init__(self):
        super().__init__("ax-tasks", gdb.COMMAND_STATUS)

    @in_kernel_language
    def invoke(self, arg, from_tty):
        tasks, current = kernel_tasks()
        print("  id  state     guest-tid  name             waits-on          saved-context")
        for task in tasks:
            state = str(task["m_state"]).split("::")[-1]
            if int(task.address) == current:
                state = "running"
            elif state == "dead":
                continue
            reason = task["wait_reason"]
            reason = reason.string() if int(reason) else "-"
            print("%4d  %-8s  %9d  %-15s  %-16s  %#x" % (int(task["m_id"]), state, int(task["tag"]), task_name(task),
                                                        reason, int(task["m_context"])))

class TaskBacktrace(gdb.Command):
    """ax-task-bt ID: backtrace of a kernel task that is switched out, on its own stack.

Boost.Context saved the task's callee-saved registers on its stack when it switched away:
[mxcsr/x87 cw, r12, r13, r14, r15, rbx, rbp, return address]. The registers of the selected
frame are pointed there for the backtrace, then restored."""

    def __init__(self):
        super().__init__("ax-task-bt", gdb.COMMAND_STACK)

    @in_kernel_language
    def invoke(self, arg, from_tty):
        if not arg.strip():
            raise gdb.GdbError("usage: ax-task-bt TASK-ID (see ax-tasks)")
        wanted = int(arg, 0)
        tasks, current = kernel_tasks()
        matches = [task for task in tasks if int(task["m_id"]) == wanted]
        if not matches:
            raise gdb.GdbError("no task %d (see ax-tasks)" % wanted)
        if int(matches[0].address) == current:
            gdb.execute("bt")
            return
        context = int(matches[0]["m_context"])
        gdb.execute("select-frame 0")
        saved = {name: int(gdb.parse_and_eval("$" + name)) for name in ("rsp", "rbp", "rip")}
        read = lambda offset: int(gdb.parse_and_eval("*(unsigned long *) %d" % (context + offset)))
        try:
            gdb.execute("set $rbp = %d" % read(0x30))
            gdb.execute("set $rip = %d" % read(0x38))
            gdb.execute("set $rsp = %d" % (context + 0x40))
            gdb.execute("bt")
        finally:
            for name, value in saved.items():
                gdb.execute("set $%s = %d" % (name, value))

Tasks()
TaskBacktrace()
Processes()
Maps()
Fds()
end
