import { boot } from '../shared/boot';
import { AdminApp } from './AdminApp';

boot(
  (config) => config.adminPool,
  (config) => <AdminApp config={config} />,
);
