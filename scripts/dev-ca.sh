#!/usr/bin/env bash
# Creates a development CA and one keystore per node for ProcessHub's mutual TLS, with the JDK's keytool.
#   scripts/dev-ca.sh <out-dir> <node-name> [<node-name> ...]
# Writes <out-dir>/truststore.p12 (the CA, for every node), <out-dir>/<node>.p12 (key + certificate signed by
# the CA) and <out-dir>/ca.p12 (the CA's own key: keep it off the nodes). Store password: $PROCESSHUB_TLS_PASSWORD
# (default "changeit"). For production use certificates from your own CA; this is for development and tests.
set -euo pipefail
if [ $# -lt 2 ]; then
  echo "usage: $0 <out-dir> <node-name> [<node-name> ...]" >&2
  exit 2
fi
out=$1; shift
pw=${PROCESSHUB_TLS_PASSWORD:-changeit}
mkdir -p "$out"
cd "$out"
kt() { keytool "$@" >/dev/null 2>&1 || { echo "keytool $* failed" >&2; keytool "$@"; exit 1; }; }
if [ ! -f ca.p12 ]; then
  kt -genkeypair -alias ca -keyalg EC -groupname secp256r1 -dname "CN=ProcessHub development CA" \
     -ext bc:c -validity 3650 -keystore ca.p12 -storetype PKCS12 -storepass "$pw"
fi
kt -exportcert -alias ca -keystore ca.p12 -storepass "$pw" -rfc -file ca.pem
rm -f truststore.p12
kt -importcert -noprompt -alias ca -file ca.pem -keystore truststore.p12 -storetype PKCS12 -storepass "$pw"
for node in "$@"; do
  rm -f "$node.p12" "$node.csr" "$node.pem"
  kt -genkeypair -alias node -keyalg EC -groupname secp256r1 -dname "CN=$node" -validity 825 \
     -keystore "$node.p12" -storetype PKCS12 -storepass "$pw"
  kt -certreq -alias node -keystore "$node.p12" -storepass "$pw" -file "$node.csr"
  kt -gencert -alias ca -keystore ca.p12 -storepass "$pw" -infile "$node.csr" -outfile "$node.pem" -rfc -validity 825 \
     -ext ku:c=digitalSignature,keyEncipherment -ext eku=serverAuth,clientAuth -ext "san=dns:$node,ip:127.0.0.1"
  kt -importcert -noprompt -alias ca -file ca.pem -keystore "$node.p12" -storepass "$pw"
  kt -importcert -noprompt -alias node -file "$node.pem" -keystore "$node.p12" -storepass "$pw"
  rm -f "$node.csr"
  echo "$out/$node.p12"
done
echo "$out/truststore.p12"
