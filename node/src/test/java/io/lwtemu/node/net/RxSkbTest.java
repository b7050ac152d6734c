package io.lwtemu.node.net;

import static org.assertj.core.api.Assertions.assertThat;

import io.lwtemu.ebpf.prog.SkBuff;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import org.junit.jupiter.api.Test;

class RxSkbTest {

    @Test
    void shouldResetEveryFieldToANewSkBuffsState() throws Exception {
        RxSkb pool = new RxSkb();
        byte[] first = new byte[100];
        SkBuff s = pool.take(first, 10, 50);
        dirty(s);
        byte[] second = new byte[80];
        SkBuff again = pool.take(second, 20, 40);

        assertThat(again).isSameAs(s);
        SkBuff fresh = new SkBuff(second, 20, 40);
        for (Field f : SkBuff.class.getDeclaredFields()) {
            if (Modifier.isStatic(f.getModifiers())) {
                continue;
            }
            Object got = f.get(again);
            Object want = f.get(fresh);
            if (got instanceof int[] a) {
                assertThat(a).as(f.getName()).containsExactly((int[]) want);
            } else {
                assertThat(got).as(f.getName()).isEqualTo(want);
            }
        }
    }

    @Test
    void shouldHandOutANewSkbOnceTheLastOneEscaped() {
        RxSkb pool = new RxSkb();
        SkBuff s = pool.take(new byte[10], 0, 10);
        pool.escaped(s);

        assertThat(pool.take(new byte[10], 0, 10)).isNotSameAs(s);
    }

    /** Sets every instance field to a non-default value (so a field the reset forgets shows up). */
    private static void dirty(SkBuff s) throws Exception {
        for (Field f : SkBuff.class.getDeclaredFields()) {
            if (Modifier.isStatic(f.getModifiers())) {
                continue;
            }
            Class<?> t = f.getType();
            if (t == int.class) {
                f.setInt(s, 7);
            } else if (t == boolean.class) {
                f.setBoolean(s, true);
            } else if (t == long.class) {
                f.setLong(s, 7);
            } else if (t == int[].class) {
                java.util.Arrays.fill((int[]) f.get(s), 7);
            } else if (t == byte[].class) {
                f.set(s, new byte[3]);
            } else {
                throw new AssertionError("SkBuff has a field RxSkb.reset does not know: " + f);
            }
        }
    }
}
