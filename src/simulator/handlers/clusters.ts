import { clusterForClusterApi, clusterForFlexApi } from '../cluster-access.js';
import { clusterDescriptionView, flexClusterView } from '../cluster-views.js';
import { param, type OperationHandler } from '../operation.js';

/** `getCluster`: shared (TENANT), dedicated and, before the sunset, legacy Flex clusters. */
export const getCluster: OperationHandler = (context) => {
  const { project, baseUrl } = context.state;
  const groupId = param(context, 'groupId');
  const cluster = clusterForClusterApi(project, groupId, param(context, 'clusterName'), context.afterSunset);
  return clusterDescriptionView(baseUrl, groupId, cluster);
};

/** `getFlexCluster`: every Flex cluster, and M2/M5 clusters once the sunset migrated them. */
export const getFlexCluster: OperationHandler = (context) => {
  const { project, baseUrl } = context.state;
  const groupId = param(context, 'groupId');
  const cluster = clusterForFlexApi(project, groupId, param(context, 'name'), context.afterSunset);
  return flexClusterView(baseUrl, groupId, cluster);
};
