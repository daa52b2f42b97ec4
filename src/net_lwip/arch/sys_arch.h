/* With NO_SYS=1 lwIP needs no semaphores, mailboxes or threads: the adapter calls it from one
 * kernel task at a time. */
#pragma once
