#include <doctest/doctest.h>

#include "services/net/resolv_conf.h"

using asterix::services::resolv_conf_for_nat;

TEST_CASE("a resolver on the host's loopback becomes the NAT's, other lines kept")
{
    auto out = resolv_conf_for_nat("# stub\nnameserver 127.0.0.53\noptions edns0 trust-ad\nsearch .\n", "10.0.2.3");
    REQUIRE(out);
    CHECK(*out == "# stub\nnameserver 10.0.2.3\noptions edns0 trust-ad\nsearch .\n");
}

TEST_CASE("only the first loopback nameserver stays, as the NAT's; others on the network stay")
{
    auto out = resolv_conf_for_nat("nameserver 127.0.0.1\nnameserver 192.0.2.1\n\tnameserver  ::1 # local\nnameserver 0:0::0001", "10.0.2.3");
    REQUIRE(out);
    CHECK(*out == "nameserver 10.0.2.3\nnameserver 192.0.2.1\n");
}

TEST_CASE("a resolv.conf without a loopback resolver is left alone")
{
    CHECK(!resolv_conf_for_nat("nameserver 10.255.255.53\n", "10.0.2.3"));
    CHECK(!resolv_conf_for_nat("nameserver ::2\nnameserver 1::1\nnameserver 128.0.0.1\n", "10.0.2.3"));
    CHECK(!resolv_conf_for_nat("# nameserver 127.0.0.53\nnameservers 127.0.0.1\n", "10.0.2.3"));
    CHECK(!resolv_conf_for_nat("", "10.0.2.3"));
}
