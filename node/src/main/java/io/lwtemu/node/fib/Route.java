package io.lwtemu.node.fib;

import java.util.Objects;

/**
 * One route as {@code ip route} knows it. Immutable; build with {@link #builder(Prefix)}.
 *
 * <p>{@link #encap} is an opaque slot for the lightweight-tunnel state (the kernel's {@code lwtstate}): the
 * LWT layer puts its in/out/xmit programs + headroom or seg6/seg6local state there; the FIB only carries it.
 */
public final class Route {
    /** Table ids of the kernel (include/uapi/linux/rtnetlink.h). */
    public static final int TABLE_DEFAULT = 253;
    public static final int TABLE_MAIN = 254;
    public static final int TABLE_LOCAL = 255;

    public final Prefix prefix;
    public final RouteType type;
    /** Next hop ("via"), or null for an on-link / device route. */
    public final IpAddress gateway;
    /** Output device name, or null. */
    public final String dev;
    public final int metric;
    public final int table;
    /** Route MTU lock ("mtu N"), 0 = use the device MTU. */
    public final int mtu;
    /** Preferred source address ("src"), or null. */
    public final IpAddress prefSrc;
    public final int realm;
    /** LWT state, or null. */
    public final Object encap;

    private Route(Builder b) {
        this.prefix = Objects.requireNonNull(b.prefix, "prefix");
        this.type = b.type;
        this.gateway = b.gateway;
        this.dev = b.dev;
        this.metric = b.metric;
        this.table = b.table;
        this.mtu = b.mtu;
        this.prefSrc = b.prefSrc;
        this.realm = b.realm;
        this.encap = b.encap;
    }

    public static Builder builder(Prefix prefix) {
        return new Builder(prefix);
    }

    /** A builder holding all fields of this route, to derive a changed copy. */
    public Builder toBuilder() {
        Builder b = new Builder(prefix);
        b.type = type;
        b.gateway = gateway;
        b.dev = dev;
        b.metric = metric;
        b.table = table;
        b.mtu = mtu;
        b.prefSrc = prefSrc;
        b.realm = realm;
        b.encap = encap;
        return b;
    }

    public Family family() {
        return prefix.family();
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        if (type != RouteType.UNICAST) {
            sb.append(type.name().toLowerCase(java.util.Locale.ROOT)).append(' ');
        }
        sb.append(prefix.length() == 0 ? "default" : prefix.toString());
        if (encap != null) {
            sb.append(" encap ").append(encap);
        }
        if (gateway != null) {
            sb.append(" via ").append(gateway);
        }
        if (dev != null) {
            sb.append(" dev ").append(dev);
        }
        if (table != TABLE_MAIN) {
            sb.append(" table ").append(table);
        }
        if (prefSrc != null) {
            sb.append(" src ").append(prefSrc);
        }
        if (metric != 0) {
            sb.append(" metric ").append(metric);
        }
        if (mtu != 0) {
            sb.append(" mtu ").append(mtu);
        }
        if (realm != 0) {
            sb.append(" realm ").append(realm);
        }
        return sb.toString();
    }

    /** Mutable builder; defaults: unicast, table main, metric 0. */
    public static final class Builder {
        private final Prefix prefix;
        private RouteType type = RouteType.UNICAST;
        private IpAddress gateway;
        private String dev;
        private int metric;
        private int table = TABLE_MAIN;
        private int mtu;
        private IpAddress prefSrc;
        private int realm;
        private Object encap;

        private Builder(Prefix prefix) {
            this.prefix = prefix;
        }

        public Builder type(RouteType v) {
            type = v;
            return this;
        }

        public Builder via(IpAddress v) {
            gateway = v;
            return this;
        }

        public Builder dev(String v) {
            dev = v;
            return this;
        }

        public Builder metric(int v) {
            metric = v;
            return this;
        }

        public Builder table(int v) {
            table = v;
            return this;
        }

        public Builder mtu(int v) {
            mtu = v;
            return this;
        }

        public Builder src(IpAddress v) {
            prefSrc = v;
            return this;
        }

        public Builder realm(int v) {
            realm = v;
            return this;
        }

        public Builder encap(Object v) {
            encap = v;
            return this;
        }

        public Route build() {
            return new Route(this);
        }
    }
}
