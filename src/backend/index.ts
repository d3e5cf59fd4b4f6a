export { initBackend, activeBackend, backendEnvironment, BACKEND_REQUESTS, tf, type BackendInfo, type BackendAttempt, type BackendName, type BackendRequest } from './backend.js';
export { openComputeContext, contextBackend, expectContextBackend, type ComputeContext, type ComputeRequest } from './compute-context.js';
