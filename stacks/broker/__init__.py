"""The local MQTT broker: device registry, credentials, generated mosquitto config with per-device ACLs,
and the broker process (mosquitto, or an embedded amqtt broker when no mosquitto can be had)."""
