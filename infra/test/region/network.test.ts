// The VPC, its endpoints and flow logs in every regional stack.
import { describe, expect, it } from 'vitest';
import { PRIMARY, THIRD } from '../region-harness.js';
import { T, eachRegion, byName } from './stacks.js';

eachRegion((region, run) => {
  describe('network', () => {
    it('spans 3 AZs with public, private and isolated subnets, a NAT per AZ and the stack CIDR', () => {
      const vpc = byName(run(), T.vpc, region, 'vpc');
      expect(vpc.inputs.availabilityZoneNames).toEqual([`${region}a`, `${region}b`, `${region}c`]);
      expect(vpc.inputs.subnetSpecs.map((s: { type: string }) => s.type)).toEqual(['Public', 'Private', 'Isolated']);
      expect(vpc.inputs.natGateways).toEqual({ strategy: 'OnePerAz' });
      expect(vpc.inputs.cidrBlock).toBe(
        region === THIRD ? '10.40.0.0/16' : region === PRIMARY ? '10.20.0.0/16' : '10.30.0.0/16',
      );
    });

    it('has an S3 gateway endpoint on every route table and private interface endpoints', () => {
      const endpoints = run().ofType(T.endpoint);
      const s3 = endpoints.find((e) => e.inputs.serviceName === `com.amazonaws.${region}.s3`)!;
      expect(s3.inputs.vpcEndpointType).toBe('Gateway');
      expect(s3.inputs.routeTableIds).toHaveLength(9);
      const services = endpoints.filter((e) => e.inputs.vpcEndpointType === 'Interface');
      expect(services.map((e) => e.inputs.serviceName.replace(`com.amazonaws.${region}.`, '')).sort()).toEqual(
        ['ec2messages', 'ecr.api', 'ecr.dkr', 'logs', 'secretsmanager', 'ssm', 'ssmmessages'].sort(),
      );
      for (const e of services) {
        expect(e.inputs.privateDnsEnabled).toBe(true);
        expect(e.inputs.subnetIds).toEqual(['a', 'b', 'c'].map((s) => `subnet-private-${region}${s}`));
      }
    });

    it('logs every flow', () => {
      const flowLog = byName(run(), 'aws:ec2/flowLog:FlowLog', region, 'flow-log');
      expect(flowLog.inputs.trafficType).toBe('ALL');
      expect(flowLog.inputs.vpcId).toBe(`vpc-${region}-vpc`);
    });
  });
});
