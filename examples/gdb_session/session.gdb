# A gdb session on the kernel, run after tools/asterix.gdb (which `asterix debug` loads):
#
#   gdb -q -x tools/asterix.gdb -x examples/gdb_session/session.gdb \
#       --args build/asterix run /bin/busybox cat /etc/hostname
#
# or type the same commands at the prompt of `./asterix debug run /bin/busybox cat /etc/hostname`.

# Stop in the service every open goes through.
break asterix::services::open_file
run

# Where we are: the service's arguments are ordinary C++ variables.
print path
print ctx.m_thread.m_process.m_object->m_pid
backtrace 3

# The kernel's state: its tasks (one per guest thread, plus the kernel's own), the guest
# processes, and the file descriptors of the guest that called open.
ax-tasks
ax-ps
ax-fds

# Let the guest finish.
delete
continue
