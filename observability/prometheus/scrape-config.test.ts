// The example scrape configuration reaches what the service and the infrastructure really expose: /metrics on the
// internal listener's port (the service's INTERNAL_PORT default and the stacks' `internalPort`), for every
// region's instances by the Name tag the Auto Scaling Group gives them (issue #23).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadConfig } from '../../service/src/config.js';

interface Job {
  job_name: string;
  metrics_path: string;
  ec2_sd_configs: Array<{ region: string; port: number; filters: Array<{ name: string; values: string[] }> }>;
  relabel_configs: Array<{ target_label: string; replacement?: string }>;
}

const config = parse(readFileSync(new URL('./prometheus.yml', import.meta.url), 'utf8')) as {
  global: { scrape_interval: string };
  scrape_configs: Job[];
};
const pulumiYaml = parse(readFileSync(new URL('../../Pulumi.yaml', import.meta.url), 'utf8')) as {
  config: Record<string, { default?: unknown }>;
};

describe('Prometheus scrape configuration', () => {
  const port = loadConfig({}).internalPort;

  it('scrapes /metrics on the internal port of the service and of the stacks, in both regions', () => {
    expect(pulumiYaml.config.internalPort?.default).toBe(port);
    expect(config.scrape_configs.map((j) => j.ec2_sd_configs[0]!.region).sort()).toEqual(['ap-south-1', 'eu-west-2']);
    for (const job of config.scrape_configs) {
      expect(job.metrics_path).toBe('/metrics');
      const sd = job.ec2_sd_configs[0]!;
      expect(sd.port).toBe(port);
      expect(sd.filters).toContainEqual({ name: 'tag:Name', values: [`${sd.region}-service`] });
      expect(job.relabel_configs.find((r) => r.target_label === '__address__')?.replacement).toBe(`$1:${port}`);
    }
  });

  it('uses the interval the Grafana data source assumes', () => {
    const ds = readFileSync(new URL('../grafana/provisioning/datasources/prometheus.yaml', import.meta.url), 'utf8');
    expect(ds).toContain(`timeInterval: ${config.global.scrape_interval}`);
  });
});
