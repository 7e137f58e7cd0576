#!/usr/bin/env python3
"""Records a real Dovecot IMAP session (both directions, raw bytes) for the
transcript tests: `doveadm exec imap` gives a pre-authenticated session over
stdin/stdout, so no network and no daemon are needed.

usage: capture-dovecot.py OUTDIR   (writes dovecot.client.bin and dovecot.server.bin)
"""
import os, subprocess, sys, tempfile, time, select

out_dir = sys.argv[1]
root = tempfile.mkdtemp(prefix="imapcap-")
os.chmod(root, 0o755)
home = os.path.join(root, "home")
os.makedirs(home)
os.chown(home, 65534, 65534)
conf = os.path.join(root, "dovecot.conf")
with open(conf, "w") as f:
    f.write(f"""base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
mail_location = maildir:~/Mail
ssl = no
mail_uid = 65534
mail_gid = 65534
first_valid_uid = 1
mail_plugins = $mail_plugins quota
imap_metadata = yes
mail_attribute_dict = file:%h/dovecot-attributes
plugin {{
  quota = count:User quota
  quota_rule = *:storage=1G
  quota_vsizes = yes
}}
""")
env = dict(os.environ, USER="nobody", HOME=home)
proc = subprocess.Popen(["doveadm", "-c", conf, "exec", "imap"], stdin=subprocess.PIPE,
                        stdout=subprocess.PIPE, env=env)
client, server = bytearray(), bytearray()

def read_until(marker, timeout=5.0):
    buf = bytearray()
    end = time.time() + timeout
    while marker not in buf and time.time() < end:
        ready, _, _ = select.select([proc.stdout], [], [], 0.2)
        if ready:
            chunk = os.read(proc.stdout.fileno(), 65536)
            if not chunk:
                break
            buf += chunk
    server.extend(buf)
    return bytes(buf)

def send(data):
    client.extend(data)
    proc.stdin.write(data)
    proc.stdin.flush()

n = 0
def cmd(text, body=None):
    global n
    n += 1
    tag = f"t{n}".encode()
    data = tag + b" " + text.encode()
    if body is not None:
        data += b" {%d+}\r\n" % len(body) + body
    send(data + b"\r\n")
    return read_until(b"\r\n" + tag + b" ") if server else read_until(tag + b" ")

read_until(b"\r\n")  # greeting (PREAUTH)
inner = (b"From: Inner <inner@example.org>\r\nTo: x@example.org\r\nSubject: inner message\r\n"
         b"Date: Mon, 1 Jan 2024 10:00:00 +0000\r\nMessage-ID: <inner@example.org>\r\n"
         b"Content-Type: multipart/alternative; boundary=alt\r\n\r\n--alt\r\n"
         b"Content-Type: text/plain; charset=utf-8\r\n\r\nplain\r\n--alt\r\n"
         b"Content-Type: text/html; charset=utf-8\r\n\r\n<p>html</p>\r\n--alt--\r\n")
outer = (b"From: \"Fred Foobar\" <foobar@example.org>\r\nTo: joe@example.com, \"Jane\" <jane@example.com>\r\n"
         b"Cc: group: a@example.com, b@example.com;\r\n"
         b"Subject: =?utf-8?q?Gr=C3=BC=C3=9Fe?= and a nested message\r\n"
         b"Date: Tue, 2 Jan 2024 11:00:00 +0100\r\nMessage-ID: <outer@example.org>\r\n"
         b"In-Reply-To: <parent@example.org>\r\nMIME-Version: 1.0\r\n"
         b"Content-Type: multipart/mixed; boundary=mix\r\n\r\n--mix\r\n"
         b"Content-Type: text/plain; charset=us-ascii\r\nContent-Language: en\r\n\r\nHello\r\n--mix\r\n"
         b"Content-Type: application/octet-stream; name=\"a.bin\"\r\nContent-Transfer-Encoding: base64\r\n"
         b"Content-Disposition: attachment; filename=\"a.bin\"\r\n\r\nAAECAwQFBgc=\r\n--mix\r\n"
         b"Content-Type: message/rfc822\r\n\r\n" + inner + b"\r\n--mix--\r\n")
simple = b"From: a@example.org\r\nSubject: Re: inner message\r\nReferences: <inner@example.org>\r\n\r\nshort\r\n"

cmd("CAPABILITY")
cmd('ID ("name" "mailwire-capture" "version" "1")')
cmd("ENABLE CONDSTORE QRESYNC")
cmd("NAMESPACE")
cmd("CREATE Archive")
cmd("CREATE \"Entw&APw-rfe\"")
cmd('LIST "" "*"')
cmd("SUBSCRIBE Archive")
cmd('LIST (SUBSCRIBED) "" "*" RETURN (CHILDREN STATUS (MESSAGES UIDNEXT SIZE))')
cmd('LIST "" "%" RETURN (SPECIAL-USE)')
cmd("LSUB \"\" *")
cmd("APPEND INBOX (\\Seen $Forwarded) \"02-Jan-2024 11:00:00 +0100\"", outer)
cmd("APPEND INBOX ()", simple)
cmd("APPEND INBOX", inner)
status = cmd("STATUS INBOX (MESSAGES UIDNEXT UIDVALIDITY UNSEEN SIZE HIGHESTMODSEQ)")
import re
uidvalidity = [re.search(rb"UIDVALIDITY (\d+)", status).group(1).decode()]
cmd("SELECT INBOX (CONDSTORE)")
cmd("FETCH 1:* (UID FLAGS INTERNALDATE RFC822.SIZE ENVELOPE BODYSTRUCTURE MODSEQ)")
cmd("UID FETCH 1 (BODY.PEEK[HEADER.FIELDS (SUBJECT FROM)] BODY.PEEK[1] BODY.PEEK[3.HEADER] BODY[2.MIME] BINARY.PEEK[2] BINARY.SIZE[2] BODY.PEEK[]<0.20>)")
cmd("FETCH 3 BODY")
cmd("UID SEARCH RETURN (MIN MAX COUNT ALL) ALL")
cmd("SEARCH SUBJECT inner")
cmd("UID SEARCH MODSEQ 1")
cmd("UID SORT (REVERSE DATE SUBJECT) UTF-8 ALL")
cmd("THREAD REFERENCES UTF-8 ALL")
cmd("UID STORE 1 +FLAGS (\\Flagged)")
cmd("UID STORE 2 (UNCHANGEDSINCE 1) +FLAGS.SILENT (\\Deleted)")
cmd("GETQUOTAROOT INBOX")  # imap_quota cannot load under doveadm exec: BAD expected
cmd('SETMETADATA INBOX (/private/comment "hello")')
cmd('GETMETADATA INBOX (/private/comment /shared/comment)')
cmd("UID MOVE 3 Archive")
cmd("UID EXPUNGE 2")
cmd("UID STORE 2 +FLAGS.SILENT (\\Deleted)")
cmd("UID EXPUNGE 2")
cmd("UID SEARCH RETURN (SAVE) ALL")
cmd("FETCH $ (FLAGS)")
cmd("UID FETCH 1:* (FLAGS) (CHANGEDSINCE 1 VANISHED)")
cmd("SEARCH CHARSET UTF-8 SUBJECT", "Gr\u00fc\u00dfe".encode())
cmd("COPY 1 Archive")
cmd("NOOP")
n += 1
send(b"t%d IDLE\r\n" % n)
read_until(b"\r\n")
send(b"DONE\r\n")
read_until(b"t%d " % n)
cmd("UNSELECT")
cmd("SELECT INBOX (QRESYNC (%s 1 1:10))" % uidvalidity[0])
cmd("UNSELECT")
cmd("RENAME \"Entw&APw-rfe\" Drafts")
cmd("DELETE Drafts")
cmd("EXAMINE Archive")
cmd("CLOSE")
cmd("LOGOUT")
proc.wait(timeout=5)
open(os.path.join(out_dir, "dovecot.client.bin"), "wb").write(client)
open(os.path.join(out_dir, "dovecot.server.bin"), "wb").write(server)
print(len(client), len(server))
