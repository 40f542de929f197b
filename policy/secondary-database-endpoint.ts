// A secondary cluster of an Aurora global database has no active writer: its cluster (writer) endpoint accepts
// no connections until the cluster is promoted. With write forwarding the application connects to the
// secondary's reader endpoint and Aurora forwards its writes (Aurora User Guide, "Connecting to Amazon Aurora
// Global Database" and "Using write forwarding in an Amazon Aurora global database"). Issue #10 item 2.
//
// A stack policy, so it sees the clusters' endpoints (state) next to the launch templates' user data: no value the
// program hands an instance (user-data.sh assignments, whatever they are named) may be the cluster endpoint of a
// secondary cluster in the same stack. A secondary is an Aurora cluster that joins a global cluster without
// master credentials (only the global database's primary cluster is created with them).
import type { StackValidationPolicy } from '@pulumi/policy';
import { ofType, T, userDataVariables } from './types.js';

export const secondaryNotOnOwnWriterEndpoint: StackValidationPolicy = {
  name: 'secondary-not-on-own-writer-endpoint',
  description: "A secondary region's instances never use their own cluster's writer endpoint.",
  enforcementLevel: 'mandatory',
  validateStack: ({ resources }, report) => {
    const secondaries = ofType(resources, T.rdsCluster).filter(
      (c) => c.props.globalClusterIdentifier && !c.props.masterUsername && !c.props.snapshotIdentifier,
    );
    if (secondaries.length === 0) return;
    for (const template of ofType(resources, T.launchTemplate)) {
      const vars = userDataVariables(template.props.userData);
      for (const cluster of secondaries) {
        for (const [name, value] of Object.entries(vars)) {
          if (cluster.props.endpoint && value === cluster.props.endpoint) {
            report(
              `${template.name} sets ${name} to ${cluster.name}'s writer endpoint, which a secondary cluster does not serve; use its reader endpoint (write forwarding)`,
              template.urn,
            );
          }
        }
      }
    }
  },
};
