package io.lwtemu.cli;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/** A cluster member's HOCON file given with {@code --config} or {@code --cluster}; mistakes are one line. */
final class MemberConfig {
    private MemberConfig() {
    }

    static Config load(Path file, String option) {
        if (!Files.isRegularFile(file)) {
            throw new UserException(option + " " + file + ": no such file (the members' files are in cluster-config/)");
        }
        try {
            Config c = ConfigFactory.parseFile(file.toFile());
            if (!c.hasPath("akka.actor.provider") || !"cluster".equals(c.getString("akka.actor.provider"))) {
                throw new UserException(option + " " + file + ": not a cluster member configuration"
                        + " (expected akka.actor.provider = cluster, as in cluster-config/member-a.conf)");
            }
            return c;
        } catch (ConfigException e) {
            throw new UserException(option + " " + file + ": " + e.getMessage());
        }
    }

    /** member-a for cluster-config/member-a.conf. */
    static String stem(Path file) {
        String n = file.getFileName().toString();
        int dot = n.lastIndexOf('.');
        return dot > 0 ? n.substring(0, dot) : n;
    }
}
