#!/bin/sh
# Installs heartbeat-agent as a systemd service: the jar, the unit, a configuration and an example
# checklist, in the standard places. Idempotent: running it again upgrades the jar and the unit and
# never overwrites your configuration, checklist or key.
#
#   sudo systemd/install.sh            (after: mvn -B -q package -DskipTests)
#   DESTDIR=/tmp/stage systemd/install.sh   stages the files under /tmp/stage instead
set -eu

here=$(cd "$(dirname "$0")" && pwd)
repo=$(dirname "$here")
dest=${DESTDIR:-}
jar=${JAR:-$repo/target/heartbeat-agent.jar}

if [ ! -f "$jar" ]; then
    echo "error: $jar is missing; build it first: mvn -B -q package -DskipTests" >&2
    exit 1
fi
if [ -z "$dest" ] && [ "$(id -u)" != 0 ]; then
    echo "error: installing into / needs root; run it with sudo (or set DESTDIR to stage the files)" >&2
    exit 1
fi

lib=$dest/usr/lib/heartbeat-agent
etc=$dest/etc/heartbeat-agent
units=$dest/etc/systemd/system
doc=$dest/usr/share/doc/heartbeat-agent

install -d -m 0755 "$lib" "$units" "$doc" "$etc"
install -m 0644 "$jar" "$lib/heartbeat-agent.jar"
install -m 0644 "$here/heartbeat-agent.service" "$units/heartbeat-agent.service"
install -m 0644 "$repo/README.md" "$doc/README.md"
echo "installed $lib/heartbeat-agent.jar and $units/heartbeat-agent.service"

if [ -e "$etc/agent.yaml" ]; then
    echo "kept     $etc/agent.yaml (yours)"
else
    # The repository's agent.yaml with the paths a service uses: state in /var/lib, logs in /var/log,
    # the checklist in /etc, the key from the systemd credential.
    sed -e 's|^  workspace: .*|  workspace: /var/lib/heartbeat-agent/workspace   # the agent'"'"'s files (the state directory)|' \
        -e 's|^  api-key: .*|  # api-key: read from the systemd credential openai-api-key (/etc/heartbeat-agent/openai-api-key)|' \
        -e 's|^  checklist: .*|  checklist: /etc/heartbeat-agent/HEARTBEAT.md   # yours to edit; read-only for the service|' \
        -e 's|^  url: sqlite:.*|  url: sqlite:/var/lib/heartbeat-agent/heartbeat.db|' \
        -e 's|path: sessions/notifications.jsonl|path: /var/log/heartbeat-agent/notifications.jsonl|' \
        "$repo/agent.yaml" > "$etc/agent.yaml"
    chmod 0644 "$etc/agent.yaml"
    echo "created  $etc/agent.yaml"
fi

if [ -e "$etc/HEARTBEAT.md" ]; then
    echo "kept     $etc/HEARTBEAT.md (yours)"
else
    install -m 0644 "$repo/sessions/workspace/HEARTBEAT.md" "$etc/HEARTBEAT.md"
    echo "created  $etc/HEARTBEAT.md (an example checklist)"
fi

if [ -e "$etc/openai-api-key" ]; then
    echo "kept     $etc/openai-api-key"
else
    (umask 077 && : > "$etc/openai-api-key")
    echo "created  $etc/openai-api-key (empty, mode 0600)"
fi

if [ -z "$dest" ] && command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
    systemctl daemon-reload
fi

cat <<NEXT

Next:
  1. Choose the model in $etc/agent.yaml (model.provider, model.name; see the README for
     Anthropic, Ollama and OpenAI-compatible servers; for Anthropic rename the credential in
     the unit's LoadCredential= line and the file to anthropic-api-key).
  2. Put the API key in $etc/openai-api-key (one line; it stays root-only, the service gets it
     as a systemd credential).
  3. Write the agent's checklist in $etc/HEARTBEAT.md.
  4. Check the configuration:
       CREDENTIALS_DIRECTORY=$etc java -jar $lib/heartbeat-agent.jar --config $etc/agent.yaml config check
  5. Start it and watch it:
       systemctl enable --now heartbeat-agent
       journalctl -u heartbeat-agent -f
NEXT
