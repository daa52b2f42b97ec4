#include <doctest/doctest.h>

#include <vector>

#include "services/process/signals.h"
#include "services/tty/job_control.h"

using namespace asterix;
using services::is_orphaned_group;
using services::JobAccess;
using services::JobCaller;
using services::JobControl;
using services::JobMember;

namespace {
constexpr i32 session = 10;
constexpr i32 foreground = 10;
constexpr i32 background = 20;

JobControl& controlling_terminal()
{
    static JobControl terminal;
    terminal.attach(session, foreground);
    return terminal;
}
} // namespace

TEST_CASE("job control: the foreground group and other sessions read and write freely")
{
    auto& terminal = controlling_terminal();
    CHECK(terminal.access({session, foreground, false, false}, services::sigttin) == JobAccess::allow);
    CHECK(terminal.access({session, foreground, false, true}, services::sigttou) == JobAccess::allow);
    // A process of another session: not its controlling terminal.
    CHECK(terminal.access({99, background, false, false}, services::sigttin) == JobAccess::allow);
    // A terminal that belongs to no session stops nobody.
    JobControl free_terminal;
    CHECK(free_terminal.access({session, background, false, false}, services::sigttin) == JobAccess::allow);
}

TEST_CASE("job control: a background read stops the group with SIGTTIN, or fails with EIO")
{
    auto& terminal = controlling_terminal();
    CHECK(terminal.access({session, background, false, false}, services::sigttin) == JobAccess::stop_group);
    // SIGTTIN ignored or blocked: EIO rather than a signal nobody would act on.
    CHECK(terminal.access({session, background, true, false}, services::sigttin) == JobAccess::fail);
    // An orphaned group would never be continued: EIO.
    CHECK(terminal.access({session, background, false, true}, services::sigttin) == JobAccess::fail);
}

TEST_CASE("job control: a background write with TOSTOP gets SIGTTOU unless ignored or blocked")
{
    auto& terminal = controlling_terminal();
    CHECK(terminal.access({session, background, false, false}, services::sigttou) == JobAccess::stop_group);
    // SIGTTOU ignored or blocked (as shells do around tcsetpgrp): the write goes through.
    CHECK(terminal.access({session, background, true, false}, services::sigttou) == JobAccess::allow);
    CHECK(terminal.access({session, background, false, true}, services::sigttou) == JobAccess::fail);
}

TEST_CASE("job control: a group is orphaned when no member has a parent elsewhere in its session")
{
    // The shell (group 10) started a job of two processes in group 20.
    std::vector<JobMember> processes = {
        {10, session, false, false, 0, 0},                 // the shell, a session leader without parent
        {background, session, false, true, 10, session},   // the job's leader, the shell's child
        {background, session, false, true, background, session}, // its child, in the same group
    };
    CHECK_FALSE(is_orphaned_group(background, processes));
    // The shell's child ends (a zombie): only the grandchild is left, whose parent is in the group.
    processes[1].has_exited = true;
    CHECK(is_orphaned_group(background, processes));
    // A parent in another session does not count either.
    processes[1] = {background, session, false, true, 30, 99};
    CHECK(is_orphaned_group(background, processes));
    // The session leader's own group: its leader has no parent, so it is orphaned (as Linux).
    CHECK(is_orphaned_group(10, processes));
    CHECK(is_orphaned_group(77, processes)); // a group with no members at all
}
