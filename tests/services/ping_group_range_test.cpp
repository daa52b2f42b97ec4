#include <doctest/doctest.h>

#include "services/net/ping_group_range.h"
#include "services/process/credentials.h"

using namespace asterix;
using namespace asterix::services;

TEST_CASE("the default ping group range admits nobody, root included")
{
    PingGroupRange range;
    CHECK(range.text() == "1\t0\n");
    CHECK_FALSE(range.admits(*Credentials::for_user(0, 0)));
    CHECK_FALSE(range.admits(*Credentials::for_user(1000, 1)));
}

TEST_CASE("the effective group or a supplementary one must be in the ping group range")
{
    PingGroupRange range {100, 200};
    CHECK(range.admits(*Credentials::for_user(1000, 100)));
    CHECK(range.admits(*Credentials::for_user(1000, 200)));
    auto outside = Credentials::for_user(1000, 99);
    CHECK_FALSE(range.admits(*outside));
    auto member = outside->copy();
    member->groups.push_back(150);
    CHECK(range.admits(*member));
}

TEST_CASE("writing the ping group range follows ipv4_ping_group_range")
{
    PingGroupRange range {0, 10};
    CHECK(range.written("5 7\n").value().text() == "5\t7\n");
    CHECK(range.written("7 5").value().text() == "1\t0\n"); // a high below the low empties it
    CHECK(range.written("3").value().text() == "3\t10\n");  // a lone number sets the low end
    CHECK(range.written("1 2 3").value().text() == "1\t2\n");
    CHECK(range.written("").value().text() == "0\t10\n");
    CHECK(range.written("0 4294967294").value().high == 4294967294u);
    CHECK(range.written("0 4294967295").error() == Errno::einval);
    CHECK(range.written("abc").error() == Errno::einval);
    CHECK(range.written("0 -1").error() == Errno::einval);
    CHECK(range.written("\n").error() == Errno::einval);
}
