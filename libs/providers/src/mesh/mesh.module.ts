import { Module } from '@nestjs/common';
import { ProviderCoreModule } from '../provider-core.module';
import { MeshClient } from './mesh.client';
import { MeshConnectionsService } from './mesh-connections.service';
import { MeshController } from './mesh.controller';
import { MeshProvider } from './mesh.provider';

@Module({
  imports: [ProviderCoreModule],
  controllers: [MeshController],
  providers: [MeshClient, MeshProvider, MeshConnectionsService],
  exports: [MeshProvider],
})
export class MeshModule {}
