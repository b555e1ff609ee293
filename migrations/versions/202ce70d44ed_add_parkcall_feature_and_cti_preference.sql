-- revision: 202ce70d44ed
-- down_revision: 814abd3dc6af
-- message: add the parkcall feature map and the switchboard cti preference

INSERT INTO features (cat_metric, var_metric, commented, filename, category, var_name, var_val)
    SELECT 1, 0, 0, 'features.conf', 'featuremap', 'parkcall', '#72'
     WHERE NOT EXISTS (SELECT 1 FROM features
                        WHERE filename = 'features.conf'
                          AND category = 'featuremap'
                          AND var_name = 'parkcall');

INSERT INTO cti_preference (option)
    SELECT 'xlet.switchboard.hide_ringing'
     WHERE NOT EXISTS (SELECT 1 FROM cti_preference WHERE option = 'xlet.switchboard.hide_ringing');
