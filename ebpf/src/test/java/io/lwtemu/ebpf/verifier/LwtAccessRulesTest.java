package io.lwtemu.ebpf.verifier;

import io.lwtemu.ebpf.prog.LwtAccessRules;
import io.lwtemu.ebpf.prog.LwtAccessRules.FieldKind;
import io.lwtemu.ebpf.prog.ProgramType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static io.lwtemu.ebpf.prog.SkBuffLayout.*;
import static org.assertj.core.api.Assertions.assertThat;

/** The __sk_buff rules of LWT-FACTS.md ("Context access"), same for in/out/xmit/seg6local. */
class LwtAccessRulesTest {
    private final LwtAccessRules rules = LwtAccessRules.forType(ProgramType.LWT_XMIT);

    @ParameterizedTest
    @ValueSource(ints = {MARK, PRIORITY, CB, CB + 4, CB + 8, CB + 12, CB + 16})
    void shouldAllowWritesToMarkPriorityAndCb(int off) {
        assertThat(rules.isValidAccess(off, 4, true)).isTrue();
        assertThat(rules.isValidAccess(off, 4, false)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(ints = {LEN, PKT_TYPE, QUEUE_MAPPING, PROTOCOL, VLAN_PRESENT, VLAN_TCI, VLAN_PROTO,
            INGRESS_IFINDEX, IFINDEX, TC_INDEX, HASH, NAPI_ID, GSO_SEGS, GSO_SIZE})
    void shouldAllowReadOnlyFieldsToBeReadNotWritten(int off) {
        assertThat(rules.access(off, 4, false)).isEqualTo(FieldKind.SCALAR);
        assertThat(rules.isValidAccess(off, 4, true)).isFalse();
    }

    @ParameterizedTest
    @ValueSource(ints = {TC_CLASSID, FAMILY, REMOTE_IP4, LOCAL_IP4, REMOTE_IP6, REMOTE_IP6 + 12, LOCAL_IP6,
            REMOTE_PORT, LOCAL_PORT, DATA_META, WIRE_LEN})
    void shouldRejectFieldsLwtNeverSees(int off) {
        assertThat(rules.isValidAccess(off, 4, false)).isFalse();
        assertThat(rules.isValidAccess(off, 4, true)).isFalse();
    }

    @Test
    void shouldRejectPointerAndTimestampFields() {
        assertThat(rules.isValidAccess(FLOW_KEYS, 8, false)).isFalse();
        assertThat(rules.isValidAccess(TSTAMP, 8, false)).isFalse();
        assertThat(rules.isValidAccess(HWTSTAMP, 8, false)).isFalse();
        assertThat(rules.isValidAccess(TSTAMP_TYPE, 1, false)).isFalse();
        assertThat(rules.isValidAccess(TSTAMP_TYPE + 1, 1, false)).isFalse();
    }

    @Test
    void shouldYieldPacketPointersForDataAndDataEnd() {
        assertThat(rules.access(DATA, 4, false)).isEqualTo(FieldKind.PACKET);
        assertThat(rules.access(DATA_END, 4, false)).isEqualTo(FieldKind.PACKET_END);
        assertThat(rules.access(DATA, 2, false)).isEqualTo(FieldKind.DENIED);
        assertThat(rules.access(DATA, 4, true)).isEqualTo(FieldKind.DENIED);
    }

    @Test
    void shouldReadSkAsNullableSocketWith8Bytes() {
        assertThat(rules.access(SK, 8, false)).isEqualTo(FieldKind.SOCK_COMMON_OR_NULL);
        assertThat(rules.access(SK, 4, false)).isEqualTo(FieldKind.DENIED);
    }

    @Test
    void shouldAllowNarrowAlignedReadsOnly() {
        assertThat(rules.isValidAccess(PROTOCOL, 2, false)).isTrue();
        assertThat(rules.isValidAccess(PROTOCOL + 2, 2, false)).isTrue();
        assertThat(rules.isValidAccess(LEN + 3, 1, false)).isTrue();
        assertThat(rules.isValidAccess(LEN + 1, 2, false)).isFalse();
        assertThat(rules.isValidAccess(LEN, 8, false)).isFalse();
        assertThat(rules.isValidAccess(MARK, 2, true)).isFalse();
    }

    @Test
    void shouldAllowAnyAlignedSizeInsideCb() {
        assertThat(rules.isValidAccess(CB, 8, true)).isTrue();
        assertThat(rules.isValidAccess(CB + 8, 8, false)).isTrue();
        assertThat(rules.isValidAccess(CB + 16, 8, false)).isFalse();
        assertThat(rules.isValidAccess(CB + 1, 1, true)).isTrue();
    }

    @Test
    void shouldRejectOutOfStructAccess() {
        assertThat(rules.isValidAccess(-4, 4, false)).isFalse();
        assertThat(rules.isValidAccess(SIZE, 4, false)).isFalse();
    }
}
