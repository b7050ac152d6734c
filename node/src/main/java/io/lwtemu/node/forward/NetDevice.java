package io.lwtemu.node.forward;

import io.lwtemu.node.fib.Family;
import io.lwtemu.node.fib.IpAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * A router interface as the data plane sees it: name, ifindex, MTU, admin state, addresses and the per
 * interface counters of {@code ip -s link}. L3 only (TUN-like): no hardware header.
 */
public final class NetDevice {
    public final String name;
    public final int ifindex;
    private int mtu;
    private boolean up;
    private final List<IpAddress> addresses = new ArrayList<>();
    private final List<Integer> prefixLengths = new ArrayList<>();
    private DeviceXmit xmit;

    public long rxPackets;
    public long rxBytes;
    public long rxDropped;
    public long txPackets;
    public long txBytes;
    public long txDropped;

    public NetDevice(String name, int ifindex, int mtu) {
        this.name = name;
        this.ifindex = ifindex;
        this.mtu = mtu;
    }

    public int mtu() {
        return mtu;
    }

    public void mtu(int mtu) {
        this.mtu = mtu;
    }

    public boolean isUp() {
        return up;
    }

    public void setUp(boolean up) {
        this.up = up;
    }

    /** The transmit function of a virtual device (tunnel), or null for a device whose packets go to the Egress. */
    public DeviceXmit xmit() {
        return xmit;
    }

    public void xmit(DeviceXmit xmit) {
        this.xmit = xmit;
    }

    void addAddress(IpAddress addr, int prefixLength) {
        addresses.add(addr);
        prefixLengths.add(prefixLength);
    }

    public List<IpAddress> addresses() {
        return List.copyOf(addresses);
    }

    /** The first (primary) address of the family, or null. */
    public IpAddress primaryAddress(Family family) {
        for (int i = 0, n = addresses.size(); i < n; i++) { // indexed: no iterator on the per-packet path
            IpAddress a = addresses.get(i);
            if (a.family() == family) {
                return a;
            }
        }
        return null;
    }

    @Override
    public String toString() {
        return ifindex + ": " + name + " mtu " + mtu + (up ? " UP" : " DOWN");
    }
}
