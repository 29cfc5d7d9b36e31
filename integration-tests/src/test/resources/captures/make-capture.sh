#!/usr/bin/env bash
# make-capture.sh - produce netns-arp-ipv4-ipv6.pcap with the real tcpdump.
#
# Builds two isolated network namespaces (a, b) joined by a veth pair, captures
# on the "a" side with tcpdump (classic pcap, DLT_EN10MB) and generates ARP,
# IPv4 (ICMP echo, large ICMP echo, UDP, TCP) and IPv6 (NS/NA, ICMPv6 echo)
# traffic ONLY between the two namespace addresses. Must run as root.
# Requires Debian packages: tcpdump iproute2 iputils-ping netcat-openbsd.
set -euo pipefail

OUT="${1:-/tmp/cap.pcap}"
A4=10.77.0.1; B4=10.77.0.2
A6=fd00:77::1; B6=fd00:77::2

cleanup() {
  ip netns del a 2>/dev/null || true   # deleting the ns also removes the veth pair
  ip netns del b 2>/dev/null || true
}
trap cleanup EXIT
cleanup

# --- topology: a[va] <==veth==> b[vb] ---------------------------------------
ip netns add a
ip netns add b
ip link add va type veth peer name vb
ip link set va netns a
ip link set vb netns b
ip -n a link set lo up
ip -n b link set lo up
# Suppress IPv6 router solicitations (MLDv2 reports still appear; they are real)
ip netns exec a sysctl -qw net.ipv6.conf.va.router_solicitations=0 || true
ip netns exec b sysctl -qw net.ipv6.conf.vb.router_solicitations=0 || true
ip -n a addr add $A4/24 dev va
ip -n b addr add $B4/24 dev vb
ip -n a addr add $A6/64 dev va nodad
ip -n b addr add $B6/64 dev vb nodad
ip -n a link set va up
ip -n b link set vb up
sleep 1

# --- capture ----------------------------------------------------------------
rm -f "$OUT"
# -U: packet-buffered output; -w: classic pcap; Ethernet link type on veth.
ip netns exec a tcpdump -i va -U -w "$OUT" >/tmp/tcpdump.log 2>&1 &
TD=$!
sleep 2   # give tcpdump time to open the interface

# --- traffic (only between the two namespaces) -------------------------------
ip netns exec a ip neigh flush dev va                  # force a fresh ARP exchange
ip netns exec a ping -c 3 -i 0.2 $B4                   # ARP req/reply + ICMP echo
ip netns exec a ping -c 2 -i 0.2 -s 1000 $B4           # larger frames (1042 bytes)
ip netns exec a ip -6 neigh flush dev va               # force neighbor solicitation
ip netns exec a ping -6 -c 3 -i 0.2 $B6                # ICMPv6 NS/NA + echo
# UDP: b listens on an undissected port, a sends one short datagram (one-shot)
ip netns exec b timeout 3 nc -u -l -W 1 $B4 40000 >/dev/null &
sleep 0.5
printf 'hello-udp\n' | ip netns exec a nc -u -w 1 -q 1 $B4 40000 || true
wait $! 2>/dev/null || true
# TCP: full handshake, small payload each way, FIN teardown
ip netns exec b bash -c "printf 'hello-from-b\n' | timeout 5 nc -l -N $B4 7777 >/dev/null" &
NCPID=$!
sleep 0.5
printf 'hello-from-a\n' | ip netns exec a nc -N -w 2 $B4 7777 >/dev/null || true
wait $NCPID 2>/dev/null || true
sleep 1

# --- stop tcpdump cleanly (SIGINT flushes and closes the file) ---------------
kill -INT $TD
wait $TD || true
cat /tmp/tcpdump.log
echo "capture written to $OUT"
