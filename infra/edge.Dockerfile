# The edge gateway for infra/docker-compose.yml. Build context: the repo root,
# after `mvn -B -DskipTests package` has produced edge-jetty/target/parley-edge.jar.
FROM eclipse-temurin:17-jre
RUN apt-get update \
    && apt-get install -y --no-install-recommends curl \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /opt/parley
COPY edge-jetty/target/parley-edge.jar /opt/parley/parley-edge.jar
# A self-signed certificate for wss:// in this demo deployment; mount a real
# keystore over it (PARLEY_KEYSTORE / PARLEY_KEYSTORE_PASSWORD) in production.
RUN keytool -genkeypair -alias edge -keyalg RSA -keysize 2048 -validity 3650 \
        -storetype PKCS12 -keystore /opt/parley/edge.p12 \
        -storepass parley-local -keypass parley-local \
        -dname "CN=localhost" -ext "SAN=dns:localhost,ip:127.0.0.1"
ENV PARLEY_HOST=0.0.0.0 \
    PARLEY_HTTP_PORT=8088 \
    PARLEY_HTTPS_PORT=8443 \
    PARLEY_KEYSTORE=/opt/parley/edge.p12 \
    PARLEY_KEYSTORE_PASSWORD=parley-local
EXPOSE 8088 8443
USER nobody
ENTRYPOINT ["java", "-Xmx512m", "-jar", "/opt/parley/parley-edge.jar"]
