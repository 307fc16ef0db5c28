#!/bin/bash
# Bridge options: stored and reported (multicast, netfilter, group address, STP times in ticks), checked as br_changelink checks them; starting STP brings the forward delay within its limits.
. "$(dirname "$0")/../lib.sh"
ip link add br0 type bridge
for o in "group_address 01:80:c2:00:00:05" "group_address 01:80:c2:00:00:15" "group_address 01:80:c2:00:00:02" "mcast_router 0" "mcast_router 2" "mcast_router 3" "mcast_querier 1" "mcast_hash_max 100" "mcast_hash_max 128" "mcast_hash_elasticity 5" "mcast_igmp_version 3" "mcast_igmp_version 1" "mcast_mld_version 2" "mcast_mld_version 3" "nf_call_iptables 1" "nf_call_arptables 1" "mcast_stats_enabled 1" "mcast_last_member_count 5" "mcast_startup_query_count 7" "mcast_query_interval 50" "mcast_query_interval 20000" "mcast_last_member_interval 200" "mcast_membership_interval 30000" "mcast_querier_interval 30000" "mcast_query_response_interval 500" "mcast_startup_query_interval 600" "mcast_query_use_ifaddr 1" "hello_time 50" "hello_time 99" "hello_time 100" "hello_time 1001" "max_age 599" "max_age 4001" "max_age 3000" "forward_delay 100" "group_fwd_mask 1" "group_fwd_mask 8" "ageing_time 5" "stp_state 2" "stp_state 1" "forward_delay 100" "forward_delay 3001" "stp_state 0" "vlan_protocol 802.1ad" "vlan_default_pvid 5" "mcast_snooping 0"; do
  run ip link set br0 type bridge $o
done
show_options() {
    ip -d -j link show br0 | python3 -c '
import json, sys
d = json.load(sys.stdin)[0]["linkinfo"]["info_data"]
print(sorted((k, v) for k, v in d.items() if not k.endswith("_timer")))'
}
run show_options
# br_changelink applies options in its order: the forward delay stays set although the
# hello time after it fails.
run ip link set br0 type bridge forward_delay 300 hello_time 50
run sh -c "ip -d link show br0 | grep -o 'forward_delay [0-9]*'"
