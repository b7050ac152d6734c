package io.lwtemu.node.net;

import io.lwtemu.ebpf.prog.SkBuff;
import io.lwtemu.ebpf.runtime.BpfRuntime;
import io.lwtemu.ebpf.runtime.LwtRunner;
import io.lwtemu.node.fib.Family;
import io.lwtemu.node.fib.Fib;
import io.lwtemu.node.fib.FibResult;
import io.lwtemu.node.fib.FibStatus;
import io.lwtemu.node.fib.Route;
import io.lwtemu.node.forward.DropReason;
import io.lwtemu.node.forward.Egress;
import io.lwtemu.node.forward.ForwardingPipeline;
import io.lwtemu.node.forward.NetDevice;
import io.lwtemu.node.forward.NetDevices;
import io.lwtemu.node.forward.Outcome;
import io.lwtemu.node.forward.OutcomeListener;
import io.lwtemu.node.packet.IpProtocol;
import io.lwtemu.node.packet.Ipv4Header;
import io.lwtemu.node.packet.Ipv6Header;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * One emulated Linux box in emulated time: its FIB, interfaces, eBPF runtime and {@link ForwardingPipeline},
 * the ports to its links, and the timers of its applications. Plain Java and single-threaded: a driver (the
 * sequential {@link Network#runUntil} or a RouterActor) calls {@link #runUntil} for one tick at a time.
 *
 * <p>Accounting: every call into the pipeline (a packet received from a link, or originated by an application)
 * is one packet unit; each pipeline outcome ends one unit. Outcomes beyond the first are units the stack created
 * (ICMP, fragments, clones, decapsulated packets) and count as sent. A call without any outcome is a lost packet
 * and is counted as the {@code lost} drop, which fails the run's accounting check.
 */
public final class Router implements Egress, OutcomeListener {
    /** Headroom given to received packets so LWT programs can push headers without reallocation. */
    public static final int RX_HEADROOM = 64;
    /** traceroute's default UDP port range, answered with port unreachable by hosts. */
    public static final int TRACEROUTE_PORT_MIN = 33434;
    public static final int TRACEROUTE_PORT_MAX = 33534;

    public final int index;
    public final String name;
    public final boolean host;
    private final int cpus;
    private final Fib fib = new Fib();
    private final NetDevices devices = new NetDevices();
    private final BpfRuntime bpf;
    private final LwtRunner runner = new LwtRunner();
    private final ForwardingPipeline pipeline;
    private final FlowCounters flows = new FlowCounters();
    /** Outcomes per interface (ifindex; packets without a device count on lo), same layout as flows. */
    private final FlowCounters perDevice = new FlowCounters();
    private final List<Port> ports = new ArrayList<>();
    private Port[] portByIfindex = new Port[8];
    private Port[] portArray = new Port[0];
    private final PriorityQueue<TimerTask> timers = new PriorityQueue<>();
    private long timerSeq;
    /** Packets queued to be received again here (receiveLater), a ring of parallel arrays: no record per packet. */
    private NetDevice[] localDev = new NetDevice[8];
    private SkBuff[] localSkb = new SkBuff[8];
    private int[] localFlow = new int[8];
    private long[] localId = new long[8];
    private long[] localSentAt = new long[8];
    private int[] localHops = new int[8];
    private int localHead;
    private int localSize;
    private final RxSkb rxSkb = new RxSkb();
    /** Queued skbs whose packet ended without anything keeping them, for {@link #buildSkb}. */
    private final SkBuff[] spareSkbs = new SkBuff[32];
    private int spareCount;
    /** The current call's skb was queued again or given to a device driver: it outlives the call. */
    private boolean curEscaped;
    /** The packet taken off a port (receive) and the one put on a link (transmit): reused, one hop builds nothing. */
    private final Frame rxFrame = new Frame();
    private final Frame txFrame = new Frame();
    private final List<IcmpListener> icmpListeners = new ArrayList<>();
    private DeviceDriver[] drivers = new DeviceDriver[8];
    private final List<io.lwtemu.node.bpf.BpfLwtProgram> programs = new ArrayList<>();
    private final FibResult res = new FibResult();
    private final Ipv4Header ip4 = new Ipv4Header();
    private FrameTransport transport = (to, port, f) -> to.port(port).arrive(f);
    private Consumer<String> log;
    private Consumer<String> tracer;

    private long now;
    private long nextId;
    private long processed;
    private long deliveredTotal;
    private long droppedTotal;
    private long lost;
    // The packet unit being processed.
    private int curFlow;
    private long curId;
    private long curSentAt;
    private int curHops;
    private int outcomes;
    private boolean idUsed;
    /**
     * A new skb derived from the current packet (the inner packet of a decapsulation) was queued to be received
     * again with the current id; when the current skb then ends DELIVERED, that delivery is the tunnel endpoint's,
     * not the packet's: the packet continues as the inner one and gets its outcome there.
     */
    private boolean continuation;
    private boolean continuationMatched;
    /** The skb of a received packet (its id follows it); null while an application originates a packet. */
    private SkBuff curSkb;
    private boolean originating;
    /** The skb of a packet originated with {@link #originate(byte[], int, int, int)}, and whether it outlives it. */
    private SkBuff originSkb;
    private boolean originEscaped;
    private List<String> nodeNames = List.of();

    public Router(int index, String name, boolean host, int cpus, long seed, Consumer<String> log) {
        this.index = index;
        this.name = name;
        this.host = host;
        this.cpus = cpus;
        this.log = log;
        this.bpf = new BpfRuntime(cpus);
        this.nextId = ((long) index + 1) << 40;
        this.pipeline = new ForwardingPipeline(fib, devices, this, msg -> this.log.accept(name + ": " + msg),
                () -> now);
        this.pipeline.setListener(this);
        this.pipeline.setProtocolHandler(IpProtocol.ICMP, (skb, in, l4) -> onIcmp(skb, l4));
        this.pipeline.setProtocolHandler(IpProtocol.ICMPV6, (skb, in, l4) -> onIcmp(skb, l4));
        runner.context().clock = () -> now;
        runner.context().random = new SplittableRandom(seed * 1_000_003L + index);
        runner.context().deviceExists = ifx -> devices.byIndex(ifx) != null;
        runner.context().trace = line -> this.log.accept(name + ": bpf_trace_printk: " + line);
    }

    // ---------------------------------------------------------------- parts

    public Fib fib() {
        return fib;
    }

    public NetDevices devices() {
        return devices;
    }

    public BpfRuntime bpf() {
        return bpf;
    }

    public LwtRunner runner() {
        return runner;
    }

    public ForwardingPipeline pipeline() {
        return pipeline;
    }

    public FlowCounters flows() {
        return flows;
    }

    /** Delivered and dropped counts per interface, indexed by ifindex (sent is unused). */
    public FlowCounters deviceOutcomes() {
        return perDevice;
    }

    public int cpus() {
        return cpus;
    }

    public List<Port> ports() {
        return List.copyOf(ports);
    }

    /** The port on interface {@code ifindex}, or null when the interface has no link. */
    public Port port(int ifindex) {
        return ifindex >= 0 && ifindex < portByIfindex.length ? portByIfindex[ifindex] : null;
    }

    Port attach(NetDevice dev, LinkDirection out) {
        Port p = new Port(this, dev, out);
        if (dev.ifindex >= portByIfindex.length) {
            portByIfindex = java.util.Arrays.copyOf(portByIfindex, dev.ifindex * 2);
        }
        portByIfindex[dev.ifindex] = p;
        ports.add(p);
        ports.sort((x, y) -> Integer.compare(x.device.ifindex, y.device.ifindex));
        portArray = ports.toArray(new Port[0]);
        return p;
    }

    /** Makes {@code dev} (a tunnel or TUN device, not linked) transmit through {@code driver}. */
    public void setDriver(NetDevice dev, DeviceDriver driver) {
        if (dev.ifindex >= drivers.length) {
            drivers = java.util.Arrays.copyOf(drivers, dev.ifindex * 2);
        }
        drivers[dev.ifindex] = driver;
    }

    /** Packets leave as protobuf {@code Packet}s through {@code transport} (cluster members, tests). */
    public void setTransport(PacketTransport transport) {
        this.transport = (to, port, f) -> transport.send(to, port, f.toPacket());
    }

    /** Packets leave as {@link Frame}s through {@code transport} (in-JVM engines: no message object per packet). */
    public void setFrameTransport(FrameTransport transport) {
        this.transport = transport;
    }

    public void setLog(Consumer<String> log) {
        this.log = log;
    }

    /** Receives one line per packet outcome and per BPF program run ("hop by hop"), or null for none. */
    public void setTracer(Consumer<String> tracer) {
        this.tracer = tracer;
        for (io.lwtemu.node.bpf.BpfLwtProgram p : programs) {
            p.setTracer(tracer == null ? null : line -> trace(curId, curFlow, line, null));
        }
    }

    /** A route program of this router (for tracing). */
    public void addProgram(io.lwtemu.node.bpf.BpfLwtProgram p) {
        programs.add(p);
        if (tracer != null) {
            p.setTracer(line -> trace(curId, curFlow, line, null));
        }
    }

    public void addIcmpListener(IcmpListener l) {
        icmpListeners.add(l);
    }

    public void removeIcmpListener(IcmpListener l) {
        icmpListeners.remove(l);
    }

    public long now() {
        return now;
    }

    /** Packet units processed so far (received or originated). */
    public long processed() {
        return processed;
    }

    /** Outcomes so far that ended a packet here (for live progress; link-level drops not included). */
    public long deliveredTotal() {
        return deliveredTotal;
    }

    public long droppedTotal() {
        return droppedTotal;
    }

    public long lost() {
        return lost;
    }

    // ---------------------------------------------------------------- time

    /** Queues {@code task} at {@code task.at} (not before now). */
    public void schedule(TimerTask task) {
        if (task.at < now) {
            task.at = now;
        }
        task.seq = timerSeq++;
        timers.add(task);
    }

    /** Earliest pending event (arrival, timer, local re-injection), or Long.MAX_VALUE. */
    public long nextEventTime() {
        if (frozen) {
            return thawAt;
        }
        if (localSize != 0) {
            return now;
        }
        long best = Long.MAX_VALUE;
        for (Port p : portArray) {
            long t = p.headTime();
            if (t < best) {
                best = t;
            }
        }
        TimerTask t = timers.peek();
        return t != null && t.at < best ? t.at : best;
    }

    /** Processes every event before {@code until} in time order (ties: ports by ifindex, then timers). */
    public void runUntil(long until) {
        if (frozen) {
            return;
        }
        Port[] ps = portArray;
        for (;;) {
            if (localSize != 0) {
                int h = localHead;
                NetDevice dev = localDev[h];
                SkBuff skb = localSkb[h];
                localDev[h] = null;
                localSkb[h] = null;
                localHead = (h + 1) & (localDev.length - 1);
                localSize--;
                beginCall(localFlow[h], localId[h], localSentAt[h], localHops[h]);
                curSkb = skb;
                pipeline.receive(dev, skb);
                endCall();
                if (!curEscaped && spareCount < spareSkbs.length) {
                    spareSkbs[spareCount++] = skb;
                }
                continue;
            }
            long best = Long.MAX_VALUE;
            Port bestPort = null;
            for (Port p : ps) {
                long t = p.headTime();
                if (t < best) {
                    best = t;
                    bestPort = p;
                }
            }
            TimerTask task = timers.peek();
            if (task != null && task.at < best) {
                if (task.at >= until) {
                    break;
                }
                timers.poll();
                if (task.at > now) {
                    now = task.at;
                }
                if (task.fire(this, now)) {
                    schedule(task);
                }
                continue;
            }
            if (best >= until) {
                break;
            }
            if (best > now) {
                now = best;
            }
            receiveFromLink(bestPort, bestPort.poll(rxFrame));
        }
        if (until != Long.MAX_VALUE) {
            // Branch-free: a branch taken only at the end of a run would deoptimise this loop's compiled code.
            now = Math.max(now, until);
        }
    }

    // ---------------------------------------------------------------- packets in

    private void receiveFromLink(Port port, Frame p) {
        NetDevice dev = port.device;
        int flow = p.flow;
        DropReason refused = refusing != null ? refusing : arrivalFilter == null ? null : arrivalFilter.check(port, p);
        if (refused != null) {
            processed++;
            countDrop(dev, flow, p.id, p.sentAtNs, Drops.of(refused), "");
            return;
        }
        if (!port.link.isUp()) {
            dev.rxDropped++;
            processed++;
            countDrop(dev, flow, p.id, p.sentAtNs, Drops.of(DropReason.LINK_DOWN), "");
            return;
        }
        int len = p.len;
        if (len > dev.mtu()) {
            // The far end's device refuses frames above its MTU (veth's is_skb_forwardable).
            dev.rxPackets++;
            dev.rxDropped++;
            processed++;
            countDrop(dev, flow, p.id, p.sentAtNs, Drops.of(DropReason.MTU),
                    tracer == null ? "" : " (" + len + " > " + dev.mtu() + ")");
            return;
        }
        // The sender handed its buffer over with the packet (see transmit): keep working in it, as the kernel's
        // veth passes the same skb on. Headroom is what the sender left before the packet.
        SkBuff skb = rxSkb.take(p.buf, p.off, len);
        p.buf = null;
        // skb->protocol is set by the pipeline's header validation (TUN-like links carry no EtherType).
        beginCall(flow, p.id, p.sentAtNs, p.hops);
        curSkb = skb;
        if (host && !forUs(skb, dev)) {
            dev.rxPackets++;
            dev.rxDropped++;
            outcomes++;
            countDrop(dev, flow, curId, curSentAt, Drops.NOT_FORWARDING, " (host)");
        } else {
            pipeline.receive(dev, skb);
        }
        endCall();
    }

    /**
     * A packet from the host side of a TUN device ({@code dev} has no link): the kernel's tun_get_user. It is a new
     * packet unit of {@code flow}, counted as sent, and enters the pipeline now like a packet from a link.
     * Returns its id.
     */
    public long receiveFromDevice(NetDevice dev, byte[] data, int off, int len, int flow) {
        long id = nextId++;
        flows.countSent(flow, 1);
        if (!dev.isUp() || len > dev.mtu()) {
            dev.rxDropped++;
            processed++;
            countDrop(dev, flow, id, now, Drops.of(DropReason.TUN_DROP),
                    dev.isUp() ? " (too long)" : " (device down)");
            return id;
        }
        byte[] buf = new byte[RX_HEADROOM + len];
        System.arraycopy(data, off, buf, RX_HEADROOM, len);
        SkBuff skb = new SkBuff(buf, RX_HEADROOM, len);
        beginCall(flow, id, now, 0);
        curSkb = skb;
        if (host && !forUs(skb, dev)) {
            dev.rxPackets++;
            dev.rxDropped++;
            outcomes++;
            countDrop(dev, flow, curId, curSentAt, Drops.NOT_FORWARDING, " (host)");
        } else {
            pipeline.receive(dev, skb);
        }
        endCall();
        return id;
    }

    /**
     * A packet a {@link DeviceDriver} took (written to a TUN device) left the emulation: delivered there. The
     * latency counts for the packet of this call ({@code sentAt} >= 0), not for packets made on the way.
     */
    private void leftToHost(NetDevice dev, long sentAt) {
        deliveredTotal++;
        flows.countDelivered(curFlow);
        if (sentAt >= 0) {
            flows.countLatency(curFlow, now - sentAt);
        }
        perDevice.countDelivered(dev.ifindex);
    }

    /**
     * A host (ip_forward=0) accepts only packets whose destination is one of its addresses: the input route lookup
     * (with the source, as ip_route_input does) must find a local route. The pipeline's own lookup of the same key
     * right after is then answered by the FIB's cache.
     */
    private boolean forUs(SkBuff skb, NetDevice dev) {
        byte[] b = skb.head;
        int off = skb.data;
        int version = (b[off] & 0xff) >>> 4;
        if (version == 4 && skb.len >= Ipv4Header.MIN_LENGTH) {
            fib.fibLookup(Family.INET, b, off + Ipv4Header.DST, off + Ipv4Header.SRC, skb.mark, dev.name, null, res);
        } else if (version == 6 && skb.len >= Ipv6Header.LENGTH) {
            fib.fibLookup(Family.INET6, b, off + Ipv6Header.DST, off + Ipv6Header.SRC, skb.mark, dev.name, null,
                    res);
        } else {
            return true; // malformed: let the pipeline count it
        }
        return res.status == FibStatus.LOCAL;
    }

    /**
     * Counts a packet this node's applications send as sent, and, while the box is crashed (or dropping-paused),
     * also as dropped: what its applications send dies with it. Returns whether it was refused.
     */
    private boolean refuseOriginated(int flow, long id) {
        flows.countSent(flow, 1);
        if (refusing == null) {
            return false;
        }
        processed++;
        droppedTotal++;
        flows.countDropped(flow, Drops.of(refusing));
        observe(flow, id, now, Drops.of(refusing));
        return true;
    }

    /**
     * Sends a packet this node's applications made (ip_local_out: output route, LWT out/xmit, no TTL decrement).
     * Returns the packet's id.
     */
    public long originate(byte[] packet, int flow) {
        long id = nextId++;
        if (refuseOriginated(flow, id)) {
            return id;
        }
        beginCall(flow, id, now, 0);
        originating = true;
        pipeline.sendOriginated(packet);
        originating = false;
        endCall();
        return id;
    }

    /**
     * {@link #originate(byte[], int)} for a packet at {@code buf[off, off+len)} with {@code off} bytes of headroom
     * before it, handed over (it travels on as the packet's buffer): no copy, and the skb around it is reused.
     */
    public long originate(byte[] buf, int off, int len, int flow) {
        long id = nextId++;
        if (refuseOriginated(flow, id)) {
            return id;
        }
        SkBuff skb = buildSkb(buf, off, len);
        beginCall(flow, id, now, 0);
        originSkb = skb;
        originEscaped = false;
        originating = true;
        pipeline.sendOriginated(skb);
        originating = false;
        originSkb = null;
        endCall();
        if (!originEscaped && spareCount < spareSkbs.length) {
            spareSkbs[spareCount++] = skb;
        }
        return id;
    }

    private void beginCall(int flow, long id, long sentAt, int hops) {
        curFlow = flow;
        curId = id;
        curSentAt = sentAt;
        curHops = hops;
        outcomes = 0;
        idUsed = false;
        continuation = false;
        continuationMatched = false;
        curSkb = null;
        curEscaped = false;
        runner.context().cpu = flow < cpus ? flow : flow % cpus; // most runs have fewer flows than CPUs: no idiv
        processed++;
    }

    private void endCall() {
        if (outcomes == 0) {
            lost++;
            flows.countDropped(curFlow, Drops.LOST);
            log.accept(name + ": packet " + curId + " of flow " + curFlow + " left no outcome (accounting defect)");
            return;
        }
        if (outcomes > 1) {
            flows.countSent(curFlow, outcomes - 1);
        }
        if (continuation && !continuationMatched) {
            flows.countSent(curFlow, 1); // the queued packet did not replace the current one: it is an extra one
        }
    }

    // ---------------------------------------------------------------- pipeline callbacks

    @Override
    public void onOutcome(SkBuff skb, Outcome outcome, DropReason reason, NetDevice dev, boolean generated) {
        outcomes++;
        if (continuation && !continuationMatched && outcome == Outcome.DELIVERED && skb == curSkb && !generated) {
            continuationMatched = true;
            if (tracer != null) {
                trace(curId, curFlow, "decapsulated", dev, PacketSummary.of(skb.head, skb.data, skb.len));
            }
            return;
        }
        int ifx = dev == null ? NetDevices.LOOPBACK_IFINDEX : dev.ifindex;
        switch (outcome) {
            case DELIVERED -> {
                deliveredTotal++;
                flows.countDelivered(curFlow);
                if (skb == curSkb && !generated) {
                    flows.countLatency(curFlow, now - curSentAt);
                    observe(curFlow, curId, curSentAt, -1);
                }
                perDevice.countDelivered(ifx);
            }
            case DROPPED -> {
                droppedTotal++;
                flows.countDropped(curFlow, reason.ordinal());
                perDevice.countDropped(ifx, reason.ordinal());
                observe(curFlow, skb == curSkb || curSkb == null && outcomes == 1 ? curId : -1, curSentAt,
                        reason.ordinal());
            }
            default -> {
            }
        }
        if (tracer != null) {
            String what = originating && outcomes == 1 && outcome == Outcome.FORWARDED ? "sent"
                    : outcome.name().toLowerCase(java.util.Locale.ROOT) + (reason == null ? "" : " " + reason.label())
                    + (generated && !originating ? " (generated here)" : "");
            trace(skb == curSkb || curSkb == null && outcomes == 1 ? curId : -1, curFlow, what, dev,
                    PacketSummary.of(skb.head, skb.data, skb.len));
        }
    }

    private void trace(long id, int flow, String what, NetDevice dev) {
        trace(id, flow, what, dev, "");
    }

    private void trace(long id, int flow, String what, NetDevice dev, String summary) {
        if (tracer != null) {
            tracer.accept(String.format(java.util.Locale.ROOT, "%12.6fms %-6s %-10s flow %d: %s%s%s", now / 1e6,
                    name, packetName(id), flow, what, dev == null ? "" : " dev " + dev.name,
                    summary.isEmpty() ? "" : "  [" + summary + "]"));
        }
    }

    @Override
    public boolean transmit(NetDevice dev, SkBuff skb, Route route) {
        Port port = port(dev.ifindex);
        if (port == null) {
            DeviceDriver d = dev.ifindex < drivers.length ? drivers[dev.ifindex] : null;
            boolean own = skb == curSkb || curSkb == null;
            rxSkb.escaped(skb); // a driver may keep the skb (tunnel backlog, TUN)
            if (skb == curSkb) {
                curEscaped = true;
            }
            if (skb == originSkb) {
                originEscaped = true;
            }
            if (d == null || !d.transmit(this, dev, skb, route)) {
                return false;
            }
            leftToHost(dev, own ? curSentAt : -1);
            return true;
        }
        long arrival = port.out.transmit(now, skb.head, skb.data, skb.len);
        if (arrival == LinkDirection.QUEUE_FULL) {
            return false;
        }
        long id;
        long sentAt;
        int hops;
        if (!idUsed && (curSkb == null || skb == curSkb)) {
            idUsed = true;
            id = curId;
            sentAt = curSentAt;
            hops = curHops + 1;
        } else {
            id = nextId++;
            sentAt = now;
            hops = 1;
        }
        if (arrival < 0 || port.out.duplicateData() != null) {
            return impaired(port, dev, skb, arrival, id, sentAt, hops);
        }
        // The pipeline hands the skb over (Egress contract), so its bytes go with the frame, not a copy; the
        // receiver keeps working in them (receiveFromLink).
        sendOnLink(port, skb.head, skb.data, skb.len, id, sentAt, hops, arrival);
        return true;
    }

    /**
     * The rest of {@link #transmit} when netem lost the packet (counted here as {@code loss}: netem reports the
     * send as successful) or duplicated it (the copy is one more packet unit of the flow, with the same id).
     */
    private boolean impaired(Port port, NetDevice dev, SkBuff skb, long arrival, long id, long sentAt, int hops) {
        if (arrival < 0) {
            impairmentDrop(dev, id, DropReason.LOSS);
        } else {
            sendOnLink(port, skb.head, skb.data, skb.len, id, sentAt, hops, arrival);
        }
        byte[] dup = port.out.duplicateData();
        if (dup != null) {
            flows.countSent(curFlow, 1);
            long at = port.out.duplicateArrival();
            if (at >= 0) {
                trace(id, curFlow, "duplicated", dev);
                dev.txPackets++;
                dev.txBytes += dup.length;
                sendOnLink(port, dup, 0, dup.length, id, sentAt, hops, at);
            } else {
                dev.txDropped++;
                impairmentDrop(dev, id, at == LinkDirection.LOST ? DropReason.LOSS : DropReason.QUEUE_FULL);
            }
        }
        return true;
    }

    private void sendOnLink(Port port, byte[] buf, int off, int len, long id, long sentAt, int hops, long arrival) {
        Frame f = txFrame; // every field set: nothing of the previous packet remains
        f.buf = buf;
        f.off = off;
        f.len = len;
        f.id = id;
        f.flow = curFlow;
        f.sentAtNs = sentAt;
        f.hops = hops;
        f.arriveAtNs = arrival;
        f.ingressIfindex = port.peerIfindex;
        transport.send(port.peer, port.peerIfindex, f);
        f.buf = null;
    }

    private void impairmentDrop(NetDevice dev, long id, DropReason reason) {
        countDrop(dev, curFlow, id, curSentAt, Drops.of(reason), " (link impairment)");
    }

    /**
     * Counts a drop the router decides outside the pipeline (on arrival, at a TUN device, on the wire): the totals,
     * the flow and interface counters, the experiment observer and the trace ("dropped CAUSE" + {@code detail}).
     */
    private void countDrop(NetDevice dev, int flow, long id, long sentAt, int cause, String detail) {
        droppedTotal++;
        flows.countDropped(flow, cause);
        perDevice.countDropped(dev.ifindex, cause);
        observe(flow, id, sentAt, cause);
        if (tracer != null) {
            trace(id, flow, "dropped " + Drops.label(cause) + detail, dev);
        }
    }

    @Override
    public boolean deliverLocal(NetDevice ingress, SkBuff skb, int protocol) {
        if (!host || protocol != IpProtocol.UDP && protocol != IpProtocol.TCP) {
            return false;
        }
        // Hosts run a sink on every port except traceroute's, which they answer with port unreachable.
        byte[] b = skb.head;
        int off = skb.data;
        int l4 = (b[off] & 0xf0) == 0x40 ? off + ip4.wrap(b, off).headerLength() : off + Ipv6Header.LENGTH;
        if (protocol == IpProtocol.UDP && l4 + 4 <= off + skb.len) {
            int dport = ((b[l4 + 2] & 0xff) << 8) | (b[l4 + 3] & 0xff);
            return dport < TRACEROUTE_PORT_MIN || dport > TRACEROUTE_PORT_MAX;
        }
        return true;
    }

    @Override
    public void receiveLater(NetDevice dev, SkBuff skb) {
        long id;
        if (!idUsed && (curSkb == null || skb == curSkb)) {
            idUsed = true;
            id = curId;
        } else if (!idUsed && !continuation) {
            idUsed = true;
            continuation = true;
            id = curId;
        } else {
            id = nextId++;
        }
        boolean same = id == curId;
        rxSkb.escaped(skb);
        if (skb == curSkb) {
            curEscaped = true;
        }
        if (skb == originSkb) {
            originEscaped = true;
        }
        if (localSize == localDev.length) {
            growLocal();
        }
        int t = (localHead + localSize) & (localDev.length - 1);
        localDev[t] = dev;
        localSkb[t] = skb;
        localFlow[t] = curFlow;
        localId[t] = id;
        localSentAt[t] = same ? curSentAt : now;
        localHops[t] = same ? curHops : 0;
        localSize++;
    }

    @Override
    public SkBuff buildSkb(byte[] head, int data, int len) {
        if (spareCount == 0) {
            return new SkBuff(head, data, len);
        }
        SkBuff s = spareSkbs[--spareCount];
        spareSkbs[spareCount] = null;
        RxSkb.reset(s, head, data, len);
        return s;
    }

    private void growLocal() {
        int n = localDev.length;
        NetDevice[] dev = new NetDevice[n * 2];
        SkBuff[] skb = new SkBuff[n * 2];
        int[] flow = new int[n * 2];
        long[] id = new long[n * 2];
        long[] sentAt = new long[n * 2];
        int[] hops = new int[n * 2];
        for (int i = 0; i < localSize; i++) {
            int j = (localHead + i) & (n - 1);
            dev[i] = localDev[j];
            skb[i] = localSkb[j];
            flow[i] = localFlow[j];
            id[i] = localId[j];
            sentAt[i] = localSentAt[j];
            hops[i] = localHops[j];
        }
        localDev = dev;
        localSkb = skb;
        localFlow = flow;
        localId = id;
        localSentAt = sentAt;
        localHops = hops;
        localHead = 0;
    }

    private boolean onIcmp(SkBuff skb, int l4) {
        for (int i = 0; i < icmpListeners.size(); i++) {
            if (icmpListeners.get(i).onIcmp(this, skb.head, skb.data, l4, skb.len, now)) {
                return true;
            }
        }
        return false;
    }

    /** Packets waiting to be re-received here (bpf_redirect with BPF_F_INGRESS), per flow into {@code out}. */
    void countPending(long[] perFlow) {
        for (int i = 0; i < localSize; i++) {
            perFlow[localFlow[(localHead + i) & (localDev.length - 1)]]++;
        }
    }

    /** Packets on their way to this router (on its links' far ends, or queued for re-injection), per flow. */
    public void countInFlightTowards(long[] perFlow) {
        for (Port p : portArray) {
            p.countInFlight(perFlow);
        }
        countPending(perFlow);
    }

    int localPending() {
        return localSize;
    }

    /** "h1#3": the third packet node h1 put into the network; "new" for a packet created in this call. */
    private String packetName(long id) {
        if (id < 0) {
            return "new";
        }
        int origin = (int) (id >>> 40) - 1;
        String n = origin >= 0 && origin < nodeNames.size() ? nodeNames.get(origin) : "#" + origin;
        return n + "#" + ((id & ((1L << 40) - 1)) + 1);
    }

    void setNodeNames(List<String> names) {
        this.nodeNames = names;
    }

    // ---------------------------------------------------------------- faults (lwtemu experiment)

    /** Sees each packet's end for experiment reports (latency, order, replay digest). */
    public interface PacketObserver {
        /** {@code cause} is -1 for the packet's delivery, else a {@link Drops} index; {@code id} -1 = new packet. */
        void outcome(Router router, int flow, long id, long sentAtNs, long nowNs, int cause);
    }

    /**
     * Decides per packet arriving from a link whether it is dropped before the stack sees it (null = accept). The
     * packet is the reused frame just taken off {@code port} (its arrival: {@link Port#lastArrival()}).
     */
    public interface ArrivalFilter {
        DropReason check(Port port, Frame f);
    }

    private PacketObserver observer;
    private ArrivalFilter arrivalFilter;
    private DropReason refusing;
    private boolean frozen;
    private long thawAt;

    public void setObserver(PacketObserver observer) {
        this.observer = observer;
    }

    public void setArrivalFilter(ArrivalFilter filter) {
        this.arrivalFilter = filter;
    }

    /**
     * Crash or drop-mode pause ({@code reason} non-null): every packet arriving or originated here is dropped with
     * {@code reason}; packets waiting for re-injection are dropped now. Null makes the router accept again.
     * Between ticks only.
     */
    public void refuse(DropReason reason) {
        this.refusing = reason;
        if (reason != null) {
            while (localSize != 0) {
                int h = localHead;
                localDev[h] = null;
                localSkb[h] = null;
                localHead = (h + 1) & (localDev.length - 1);
                localSize--;
                processed++;
                droppedTotal++;
                flows.countDropped(localFlow[h], Drops.of(reason));
                observe(localFlow[h], localId[h], localSentAt[h], Drops.of(reason));
            }
        }
    }

    public DropReason refusing() {
        return refusing;
    }

    /**
     * Queue-mode pause (SIGSTOP): the router processes nothing until {@link #thaw}, arriving packets wait on its
     * ports. {@code thawAtNs} is when the thaw is scheduled, so drivers know when it has work again.
     */
    public void freeze(long thawAtNs) {
        frozen = true;
        thawAt = thawAtNs;
    }

    /** Ends a queue-mode pause at {@code atNs}: what waited is processed from then on. Between ticks only. */
    public void thaw(long atNs) {
        frozen = false;
        if (atNs > now) {
            now = atNs;
        }
    }

    public boolean frozen() {
        return frozen;
    }

    private void observe(int flow, long id, long sentAt, int cause) {
        if (observer != null) {
            observer.outcome(this, flow, id, sentAt, now, cause);
        }
    }

    @Override
    public String toString() {
        return name;
    }
}
