"""A local SMTP sink: `python faults/smtp_sink.py PORT FILE` appends one JSON line per
accepted message ({"to": [...], "subject": "...", "message_id": "..."}) until it is killed.

While a file FILE.stall exists, a message is written to FILE as it arrives, but the sink
answers "250" only once that file is gone: as a mail server that has the message and has
not yet said so (the window in which a sender can die and send again). While FILE.stall-quit
exists, a QUIT is answered only once that file is gone: a slow server after the "250"."""

import asyncio
import json
import os
import sys
import time
from email import message_from_bytes
from email.header import decode_header, make_header

from aiosmtpd.controller import Controller


class Sink:
    def __init__(self, path: str):
        self.path = path

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd API
        message = message_from_bytes(envelope.original_content)
        subject = str(make_header(decode_header(message.get("Subject", ""))))
        line = {"to": envelope.rcpt_tos, "subject": subject, "message_id": message["Message-ID"]}
        with open(self.path, "a", encoding="utf-8") as out:
            out.write(json.dumps(line) + "\n")
        while os.path.exists(self.path + ".stall"):
            await asyncio.sleep(0.1)
        return "250 Message accepted for delivery"

    async def handle_QUIT(self, server, session, envelope):  # noqa: N802 - aiosmtpd API
        while os.path.exists(self.path + ".stall-quit"):
            await asyncio.sleep(0.1)
        return "221 Bye"


def main() -> None:
    port, path = int(sys.argv[1]), sys.argv[2]
    controller = Controller(Sink(path), hostname="127.0.0.1", port=port)
    controller.start()
    print(f"smtp sink on 127.0.0.1:{port}", flush=True)
    try:
        while True:
            time.sleep(3600)
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
