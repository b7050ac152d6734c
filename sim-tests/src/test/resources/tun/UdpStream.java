import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.SocketTimeoutException;

/**
 * A small UDP stream for IpipTunTest where iperf3 is not installed, run as a single-file program inside a network
 * namespace: "recv ADDR PORT COUNT TIMEOUT_MS" prints how many datagrams arrived; "send ADDR PORT COUNT PPS" sends
 * COUNT numbered datagrams of 500 bytes.
 */
public class UdpStream {
    public static void main(String[] a) throws Exception {
        InetAddress addr = InetAddress.getByName(a[1]);
        int port = Integer.parseInt(a[2]);
        int count = Integer.parseInt(a[3]);
        if (a[0].equals("recv")) {
            try (DatagramSocket s = new DatagramSocket(port, addr)) {
                System.out.println("listening");
                System.out.flush();
                s.setSoTimeout(Integer.parseInt(a[4]));
                boolean[] seen = new boolean[count];
                int got = 0;
                byte[] buf = new byte[2000];
                try {
                    while (got < count) {
                        DatagramPacket p = new DatagramPacket(buf, buf.length);
                        s.receive(p);
                        int seq = ((buf[0] & 0xff) << 24) | ((buf[1] & 0xff) << 16) | ((buf[2] & 0xff) << 8) | (buf[3] & 0xff);
                        if (seq >= 0 && seq < count && !seen[seq]) {
                            seen[seq] = true;
                            got++;
                        }
                    }
                } catch (SocketTimeoutException e) {
                    // report what arrived
                }
                System.out.println("received " + got);
            }
            return;
        }
        long gapNs = 1_000_000_000L / Integer.parseInt(a[4]);
        try (DatagramSocket s = new DatagramSocket()) {
            byte[] buf = new byte[500];
            long next = System.nanoTime();
            for (int i = 0; i < count; i++) {
                buf[0] = (byte) (i >>> 24);
                buf[1] = (byte) (i >>> 16);
                buf[2] = (byte) (i >>> 8);
                buf[3] = (byte) i;
                s.send(new DatagramPacket(buf, buf.length, addr, port));
                next += gapNs;
                while (System.nanoTime() < next) {
                    Thread.onSpinWait();
                }
            }
        }
    }
}
