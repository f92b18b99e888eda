import { Module } from '@nestjs/common';
import { ProviderCoreModule } from '../provider-core.module';
import { MyDataHelpsClient } from './mydatahelps.client';
import { MyDataHelpsController } from './mydatahelps.controller';
import { MyDataHelpsParticipantsService } from './mydatahelps-participants.service';
import { MyDataHelpsProvider } from './mydatahelps.provider';

@Module({
  imports: [ProviderCoreModule],
  controllers: [MyDataHelpsController],
  providers: [MyDataHelpsClient, MyDataHelpsProvider, MyDataHelpsParticipantsService],
  exports: [MyDataHelpsProvider],
})
export class MyDataHelpsModule {}
