#!/usr/bin/env bash
# Real third-party mail peers on 127.0.0.1 for the interop tests.
#
#   scripts/peers.sh install   apt-get the packages (root, Debian 12); idempotent
#   scripts/peers.sh start     write configs under $PEERS_DIR, start Dovecot and the MTA, smoke-test
#   scripts/peers.sh stop      stop them
#   scripts/peers.sh status    exit 0 when every port answers
#
# Environment: PEERS_DIR (default /tmp/mailpeers), MTA=postfix|exim (default postfix: it offers
# ENHANCEDSTATUSCODES, DSN and CHUNKING, which exercise more of our client).
#
# Ports (127.0.0.1 only):
#   Dovecot: IMAP 10143 (STARTTLS), IMAPS 10993, POP3 10110 (STLS), POP3S 10995, LMTP 10024
#   MTA:     SMTP 10025 (STARTTLS and AUTH offered), submission 10587 (TLS required for AUTH),
#            SMTPS 10465
# Accounts (domain example.org): alice/secret1, bob/secret2 (reachable by SMTP and LMTP; mail to
# them lands in the Maildirs Dovecot serves, so SMTP -> IMAP/POP3 works end to end), and
# carol/secret3, dave/secret4, erin/secret5, frank/secret6 (Dovecot only: each belongs to one
# test file; frank has a quota of 10 MB and 1000 messages).
# The self-signed certificate is $PEERS_DIR/tls/cert.pem (CN and SAN localhost, 127.0.0.1).
#
# Every daemon is started with its standard streams redirected: a daemon that inherits a piped
# stdout keeps the pipe open and hangs whoever reads it (CI's log reader, `| tail`).
set -euo pipefail
D=${PEERS_DIR:-/tmp/mailpeers}
MTA=${MTA:-postfix}
PORTS="10143 10993 10110 10995 10024 10025 10587 10465"

install_pkgs() {
  local pkgs="dovecot-imapd dovecot-pop3d dovecot-lmtpd openssl curl swaks libnet-ssleay-perl python3"
  if [ "$MTA" = postfix ]; then pkgs="$pkgs postfix"; else pkgs="$pkgs exim4-daemon-light"; fi
  local missing=""
  for p in $pkgs; do dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"; done
  [ -z "$missing" ] && { echo "peers: all packages present"; return 0; }
  # never let a package's postinst start a daemon on the public ports 25/110/143
  [ -x /usr/sbin/policy-rc.d ] || { printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d; chmod +x /usr/sbin/policy-rc.d; }
  export DEBIAN_FRONTEND=noninteractive
  echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
  apt-get -o DPkg::Lock::Timeout=300 update -q
  # shellcheck disable=SC2086
  apt-get -o DPkg::Lock::Timeout=300 install -y -q --no-install-recommends $missing
}

wait_port() {
  for _ in $(seq 100); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.1; done
  echo "peers: port $1 is not up" >&2
  return 1
}

write_cert() {
  [ -s "$D/tls/cert.pem" ] && return 0
  # CA:FALSE matters: rustls/webpki refuses a CA certificate used as an end entity.
  openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj "/CN=localhost" \
    -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
    -addext "basicConstraints=critical,CA:FALSE" -addext "extendedKeyUsage=serverAuth" \
    -keyout "$D/tls/key.pem" -out "$D/tls/cert.pem" 2>/dev/null
  chmod 644 "$D/tls/key.pem" # a test-only key, readable by the MTA's users
}

start_dovecot() {
  local VU=$1 VG=$2
  cat > "$D/dovecot/users" <<EOF
alice:{PLAIN}secret1:$VU:$VG::$D/mail/alice
bob:{PLAIN}secret2:$VU:$VG::$D/mail/bob
carol:{PLAIN}secret3:$VU:$VG::$D/mail/carol
dave:{PLAIN}secret4:$VU:$VG::$D/mail/dave
erin:{PLAIN}secret5:$VU:$VG::$D/mail/erin
frank:{PLAIN}secret6:$VU:$VG::$D/mail/frank::userdb_quota=count:User userdb_quota_rule=*:storage=10M userdb_quota_rule2=*:messages=1000 userdb_quota_vsizes=yes
EOF
  cat > "$D/dovecot/dovecot.conf" <<EOF
instance_name = mailwire-peers
base_dir = $D/dovecot/run
state_dir = $D/dovecot/state
log_path = $D/dovecot/dovecot.log
protocols = imap pop3 lmtp
listen = 127.0.0.1
ssl = yes
ssl_cert = <$D/tls/cert.pem
ssl_key = <$D/tls/key.pem
ssl_dh = </usr/share/dovecot/dh.pem
disable_plaintext_auth = no
auth_mechanisms = plain login apop
mail_location = maildir:~/Maildir
first_valid_uid = $VU
pop3_uidl_format = %08Xu%08Xv
lmtp_save_to_detail_mailbox = no
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%n $D/dovecot/users
}
userdb {
  driver = passwd-file
  args = username_format=%n $D/dovecot/users
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = 10143
  }
  inet_listener imaps {
    address = 127.0.0.1
    port = 10993
    ssl = yes
  }
}
service pop3-login {
  inet_listener pop3 {
    address = 127.0.0.1
    port = 10110
  }
  inet_listener pop3s {
    address = 127.0.0.1
    port = 10995
    ssl = yes
  }
}
service lmtp {
  inet_listener lmtp {
    address = 127.0.0.1
    port = 10024
  }
}
service auth {
  unix_listener auth-client {
    mode = 0666
  }
}
# QUOTA (RFC 9208, frank's count quota from the users file), METADATA (RFC 5464) and
# COMPRESS=DEFLATE (RFC 4978) on IMAP; users without a quota setting have no quota root.
mail_attribute_dict = file:%h/dovecot-attributes
protocol imap {
  mail_plugins = \$mail_plugins quota imap_quota zlib imap_zlib
  imap_metadata = yes
}
EOF
  for u in alice bob carol dave erin frank; do mkdir -p "$D/mail/$u/Maildir"/{cur,new,tmp}; done
  chown -R vmail:vmail "$D/mail"
  dovecot -c "$D/dovecot/dovecot.conf" </dev/null >>"$D/dovecot/stdio.log" 2>&1
}

start_postfix() {
  local VU=$1 VG=$2
  printf 'alice@example.org alice/Maildir/\nbob@example.org bob/Maildir/\n' > "$D/mta/vmailbox"
  cat > /etc/postfix/main.cf <<EOF
compatibility_level = 3.6
myhostname = localhost
mydomain = localdomain
myorigin = \$myhostname
mydestination = localhost
inet_interfaces = loopback-only
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
disable_dns_lookups = yes
smtp_host_lookup = native
maillog_file_prefixes = /var, /dev/stdout, /tmp
maillog_file = $D/mta/postfix.log
biff = no
append_dot_mydomain = no
alias_maps =
alias_database =
smtpd_banner = \$myhostname ESMTP test
virtual_mailbox_domains = example.org
virtual_mailbox_base = $D/mail
virtual_mailbox_maps = texthash:$D/mta/vmailbox
virtual_uid_maps = static:$VU
virtual_gid_maps = static:$VG
smtpd_tls_cert_file = $D/tls/cert.pem
smtpd_tls_key_file = $D/tls/key.pem
smtpd_tls_security_level = may
smtpd_sasl_type = dovecot
smtpd_sasl_path = $D/dovecot/run/auth-client
smtpd_sasl_auth_enable = yes
smtpd_relay_restrictions = permit_mynetworks, permit_sasl_authenticated, reject_unauth_destination
smtputf8_enable = yes
EOF
  # Pitfalls: postconf -F reformats master.cf, so disable the port-25 listener with -M#, and keep
  # our own lines idempotent by deleting them before appending.
  postconf -F '*/*/chroot = n'
  postconf -M# smtp/inet 2>/dev/null || true
  sed -i '/^127\.0\.0\.1:10/,$d' /etc/postfix/master.cf
  cat >> /etc/postfix/master.cf <<'EOF'
127.0.0.1:10025 inet n - n - - smtpd
127.0.0.1:10587 inet n - n - - smtpd
  -o syslog_name=postfix/submission
  -o smtpd_tls_security_level=encrypt
  -o smtpd_relay_restrictions=permit_sasl_authenticated,reject
127.0.0.1:10465 inet n - n - - smtpd
  -o syslog_name=postfix/smtps
  -o smtpd_tls_wrappermode=yes
  -o smtpd_relay_restrictions=permit_sasl_authenticated,reject
EOF
  postfix check
  postfix start </dev/null >>"$D/mta/stdio.log" 2>&1
}

start_exim() {
  cat > "$D/mta/exim.conf" <<EOF
primary_hostname = localhost
local_interfaces = 127.0.0.1
daemon_smtp_ports = 10025 : 10587 : 10465
tls_on_connect_ports = 10465
spool_directory = $D/mta/spool
log_file_path = $D/mta/%slog
exim_user = Debian-exim
exim_group = Debian-exim
never_users = root
host_lookup =
keep_environment =
tls_certificate = $D/tls/cert.pem
tls_privatekey = $D/tls/key.pem
tls_advertise_hosts = *
auth_advertise_hosts = *
chunking_advertise_hosts = *
pipelining_advertise_hosts = *
smtputf8_advertise_hosts = *
dsn_advertise_hosts = *
domainlist local_domains = example.org : localhost
hostlist relay_from_hosts = 127.0.0.1
acl_smtp_rcpt = acl_check_rcpt

begin acl
acl_check_rcpt:
  accept authenticated = *
  accept domains = +local_domains
  accept hosts = +relay_from_hosts
  deny message = relay not permitted

begin routers
vmail:
  driver = accept
  domains = +local_domains
  local_parts = alice : bob
  transport = maildir_delivery

begin transports
maildir_delivery:
  driver = appendfile
  directory = $D/mail/\$local_part_data/Maildir
  maildir_format
  create_directory
  user = vmail
  group = vmail

begin retry
*  *  F,1h,5m

begin authenticators
plain_server:
  driver = plaintext
  public_name = PLAIN
  server_prompts = :
  server_condition = \${if or {{and {{eq{\$auth2}{alice}}{eq{\$auth3}{secret1}}}}{and {{eq{\$auth2}{bob}}{eq{\$auth3}{secret2}}}}}}
  server_set_id = \$auth2
login_server:
  driver = plaintext
  public_name = LOGIN
  server_prompts = "Username:: : Password::"
  server_condition = \${if or {{and {{eq{\$auth1}{alice}}{eq{\$auth2}{secret1}}}}{and {{eq{\$auth1}{bob}}{eq{\$auth2}{secret2}}}}}}
  server_set_id = \$auth1
EOF
  # exim keeps root (needed to deliver as vmail) only for a root-owned config listed here
  mkdir -p "$D/mta/spool"
  chown Debian-exim:Debian-exim "$D/mta" "$D/mta/spool"
  chown root:root "$D/mta/exim.conf"; chmod 644 "$D/mta/exim.conf"
  grep -qxF "$D/mta/exim.conf" /etc/exim4/trusted_configs 2>/dev/null || echo "$D/mta/exim.conf" >> /etc/exim4/trusted_configs
  exim -C "$D/mta/exim.conf" -bd -q1m -oP "$D/mta/exim.pid" </dev/null >>"$D/mta/stdio.log" 2>&1
}

start() {
  stop # idempotent: Dovecot refuses a second start on the same base_dir
  mkdir -p "$D"/{tls,dovecot/run,dovecot/state,mail,mta}
  id vmail >/dev/null 2>&1 || useradd -r -M -d /nonexistent -s /usr/sbin/nologin vmail
  local VU VG
  VU=$(id -u vmail); VG=$(id -g vmail)
  write_cert
  start_dovecot "$VU" "$VG"
  if [ "$MTA" = postfix ]; then start_postfix "$VU" "$VG"; else start_exim; fi
  for p in $PORTS; do wait_port "$p"; done
  # smoke test: SMTP in, IMAP and POP3 out
  printf 'Subject: smoke\r\n\r\nsmoke\r\n' | curl -sS --max-time 10 smtp://127.0.0.1:10025 \
    --mail-from bob@example.org --mail-rcpt alice@example.org -T - >/dev/null
  curl -sS --max-time 10 imap://127.0.0.1:10143/ -u alice:secret1 >/dev/null
  curl -sS --max-time 10 pop3://127.0.0.1:10110/ -u alice:secret1 >/dev/null
  echo "peers: up ($MTA + dovecot) under $D"
}

stop() {
  if [ -f "$D/dovecot/dovecot.conf" ]; then dovecot -c "$D/dovecot/dovecot.conf" stop 2>/dev/null || true; fi
  if [ -f "$D/mta/exim.pid" ]; then kill "$(cat "$D/mta/exim.pid")" 2>/dev/null || true; rm -f "$D/mta/exim.pid"; fi
  if command -v postfix >/dev/null 2>&1 && [ -f /etc/postfix/main.cf ]; then postfix stop >/dev/null 2>&1 || true; fi
  # wait until the ports are free, so an immediate restart does not race the old daemons
  for _ in $(seq 50); do
    local busy=0
    for p in $PORTS; do (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null && busy=1; done
    [ $busy = 0 ] && return 0
    sleep 0.1
  done
}

status() {
  for p in $PORTS; do (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { echo "peers: port $p down"; return 1; }; done
  echo "peers: all ports up"
}

case "${1:-}" in
  install) install_pkgs ;;
  start) start ;;
  stop) stop ;;
  status) status ;;
  *) echo "usage: $0 install|start|stop|status" >&2; exit 2 ;;
esac
