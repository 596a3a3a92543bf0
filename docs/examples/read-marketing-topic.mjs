// Reads leadflow's marketing topics with Confluent-compatible tooling that is not leadflow's own:
// kafkajs + @kafkajs/confluent-schema-registry (values: wire format 0x00 + schema id + Avro, schemas from the registry;
// keys: plain UTF-8 text, the key's fields joined by '|', e.g. 'demo|2026-12-01|linear/1|yandex|cpc|spring').
//   npm install kafkajs@2.2.4 @kafkajs/confluent-schema-registry@3.9.0 kafkajs-lz4@1.2.1
//   node read-marketing-topic.mjs [brokers] [registry url] [topic] [how many]
//   node read-marketing-topic.mjs 127.0.0.1:9092 http://127.0.0.1:8081 leadflow.channel-performance 10
import kafkajs from 'kafkajs';
import LZ4Codec from 'kafkajs-lz4';
const { Kafka, logLevel, CompressionTypes, CompressionCodecs } = kafkajs;
CompressionCodecs[CompressionTypes.LZ4] = new LZ4Codec().codec; // leadflow's engine compresses with LZ4
import { SchemaRegistry } from '@kafkajs/confluent-schema-registry';

const [brokers = '127.0.0.1:9092', registryUrl = 'http://127.0.0.1:8081', topic = 'leadflow.attribution', max = '5'] = process.argv.slice(2);
const registry = new SchemaRegistry({ host: registryUrl });
const kafka = new Kafka({ brokers: brokers.split(','), logLevel: logLevel.ERROR });
const consumer = kafka.consumer({ groupId: 'marketing-check-' + Date.now(), readUncommitted: false });
await consumer.connect();
await consumer.subscribe({ topic, fromBeginning: true });
let seen = 0;
await new Promise((resolve) => {
  consumer.run({
    eachMessage: async ({ message }) => {
      const key = message.key.toString('utf8');
      const value = await registry.decode(message.value);
      console.log(JSON.stringify({ key, value }, (k, v) => (typeof v === 'bigint' ? Number(v) : v)));
      if (++seen >= Number(max)) resolve();
    },
  });
  setTimeout(resolve, 20000);
});
await consumer.disconnect();
console.error(`decoded ${seen} record(s) of ${topic}`);
