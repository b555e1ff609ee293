# Continuous replication to the HA slave (xivo-manage-db ha, see
# xivo-manage-db(8)): logical replication does not carry
# sequences. Uncomment on the master to bring the slave's up to the
# master's every minute (ha promote does it at failover anyway).
#* * * * * root /usr/sbin/xivo-manage-db ha sync-sequences >/dev/null
