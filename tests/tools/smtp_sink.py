#!/usr/bin/python3
"""A real SMTP server on 127.0.0.1 for tests/e2e/mail.sh (python3-aiosmtpd).

usage: smtp_sink.py FOLDER PORTFILE

Listens on a free port of 127.0.0.1, writes the port to PORTFILE once it
accepts connections, and writes each message it receives, as received, to
FOLDER/NNN.eml (NNN counting from 001), with its envelope recipients in
FOLDER/NNN.rcpt. Runs until it is sent SIGTERM.
"""
import os
import signal
import socket
import sys
import threading

from aiosmtpd.controller import Controller


class Sink:
    def __init__(self, folder):
        self.folder = folder
        self.count = 0
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.count += 1
            base = os.path.join(self.folder, "%03d" % self.count)
        with open(base + ".tmp", "wb") as f:
            f.write(envelope.original_content or envelope.content)
        with open(base + ".rcpt", "w") as f:
            f.write("\n".join(envelope.rcpt_tos) + "\n")
        os.rename(base + ".tmp", base + ".eml")
        return "250 OK"


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def main():
    folder, portfile = sys.argv[1], sys.argv[2]
    port = free_port()
    controller = Controller(Sink(folder), hostname="127.0.0.1", port=port)
    controller.start()
    with open(portfile + ".tmp", "w") as f:
        f.write("%d\n" % port)
    os.rename(portfile + ".tmp", portfile)
    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *a: done.set())
    signal.signal(signal.SIGINT, lambda *a: done.set())
    done.wait()
    controller.stop()


if __name__ == "__main__":
    main()
