-- The city's five databases (五库) and their reference tables, as one DuckDB schema.
-- This file is the only DDL in the project: the generator and every importer run it.
-- Money: investment and registered capital in 万元 (10,000 yuan); donations in yuan.
-- Every column carries a COMMENT; the data dictionary in the README is checked against them.

CREATE TABLE snapshot (
    snapshot_id VARCHAR PRIMARY KEY,
    built_at    TIMESTAMP NOT NULL,
    as_of       DATE NOT NULL,
    source      VARCHAR NOT NULL CHECK (source IN ('synthetic', 'imported')),
    seed        INTEGER,
    scale       INTEGER NOT NULL CHECK (scale > 0)
);
COMMENT ON TABLE snapshot IS '快照元数据 / snapshot metadata: one row per database file';
COMMENT ON COLUMN snapshot.snapshot_id IS '快照编号，缓存以此区分 / snapshot id, keys every cache';
COMMENT ON COLUMN snapshot.built_at IS '生成时间 / when the file was built';
COMMENT ON COLUMN snapshot.as_of IS '数据截止日期 / as-of date: no record is dated later';
COMMENT ON COLUMN snapshot.source IS '来源：synthetic 演示数据 或 imported 导入数据 / synthetic demo or imported';
COMMENT ON COLUMN snapshot.seed IS '随机种子（演示数据）/ generator seed (synthetic only)';
COMMENT ON COLUMN snapshot.scale IS '规模倍数 / volume multiplier (1 = published figures)';

CREATE TABLE counties (
    county_code INTEGER PRIMARY KEY,
    name_zh     VARCHAR NOT NULL UNIQUE,
    name_en     VARCHAR NOT NULL,
    short_zh    VARCHAR NOT NULL,
    kind        VARCHAR NOT NULL CHECK (kind IN ('district', 'county', 'zone')),
    lon         DOUBLE NOT NULL,
    lat         DOUBLE NOT NULL
);
COMMENT ON TABLE counties IS '县区 / Heze''s 9 county-level divisions and 2 functional zones';
COMMENT ON COLUMN counties.county_code IS '行政区划代码 / adcode (371702 …)';
COMMENT ON COLUMN counties.name_zh IS '中文名称 / Chinese name';
COMMENT ON COLUMN counties.name_en IS '英文名称 / English name';
COMMENT ON COLUMN counties.short_zh IS '简称 / short Chinese name used in station names';
COMMENT ON COLUMN counties.kind IS '类型：区、县、功能区 / district, county or functional zone';
COMMENT ON COLUMN counties.lon IS '经度（WGS84）/ longitude of the seat';
COMMENT ON COLUMN counties.lat IS '纬度（WGS84）/ latitude of the seat';

CREATE TABLE townships (
    township_id INTEGER PRIMARY KEY,
    county_code INTEGER NOT NULL REFERENCES counties (county_code),
    name_zh     VARCHAR NOT NULL
);
COMMENT ON TABLE townships IS '乡镇街道 / townships and sub-districts of each county';
COMMENT ON COLUMN townships.township_id IS '乡镇编号 / township id';
COMMENT ON COLUMN townships.county_code IS '所属县区 / county adcode';
COMMENT ON COLUMN townships.name_zh IS '乡镇名称 / Chinese name';

CREATE TABLE host_cities (
    city_code     INTEGER PRIMARY KEY,
    name_zh       VARCHAR NOT NULL UNIQUE,
    name_en       VARCHAR NOT NULL,
    province_code INTEGER NOT NULL,
    province_zh   VARCHAR NOT NULL,
    province_en   VARCHAR NOT NULL,
    is_capital    BOOLEAN NOT NULL,
    lon           DOUBLE NOT NULL,
    lat           DOUBLE NOT NULL
);
COMMENT ON TABLE host_cities IS '驻在城市 / cities outside Heze that host stations and Heze people';
COMMENT ON COLUMN host_cities.city_code IS '城市行政区划代码 / city adcode';
COMMENT ON COLUMN host_cities.name_zh IS '城市中文名 / Chinese name (北京, 杭州 …)';
COMMENT ON COLUMN host_cities.name_en IS '城市英文名 / English name';
COMMENT ON COLUMN host_cities.province_code IS '省级行政区代码 / province adcode';
COMMENT ON COLUMN host_cities.province_zh IS '省级行政区中文名 / province, Chinese';
COMMENT ON COLUMN host_cities.province_en IS '省级行政区英文名 / province, English';
COMMENT ON COLUMN host_cities.is_capital IS '是否省会或直辖市 / provincial capital or municipality';
COMMENT ON COLUMN host_cities.lon IS '经度（WGS84）/ longitude';
COMMENT ON COLUMN host_cities.lat IS '纬度（WGS84）/ latitude';

CREATE TABLE industries (
    industry_code VARCHAR PRIMARY KEY,
    name_zh       VARCHAR NOT NULL UNIQUE,
    name_en       VARCHAR NOT NULL,
    group_code    VARCHAR NOT NULL CHECK (group_code IN ('leading', 'advantage', 'emerging', 'speciality', 'other')),
    group_zh      VARCHAR NOT NULL
);
COMMENT ON TABLE industries IS '产业 / the "231" industry system, local specialities and others';
COMMENT ON COLUMN industries.industry_code IS '产业代码 / industry code';
COMMENT ON COLUMN industries.name_zh IS '产业中文名 / Chinese name';
COMMENT ON COLUMN industries.name_en IS '产业英文名 / English name';
COMMENT ON COLUMN industries.group_code IS '产业分组 / group: leading, advantage, emerging, speciality, other';
COMMENT ON COLUMN industries.group_zh IS '产业分组中文名 / group, Chinese';

CREATE TABLE stations (
    station_id         INTEGER PRIMARY KEY,
    name_zh            VARCHAR NOT NULL UNIQUE,
    level              VARCHAR NOT NULL CHECK (level IN ('city', 'county')),
    sponsor_county     INTEGER REFERENCES counties (county_code),
    host_city          INTEGER NOT NULL REFERENCES host_cities (city_code),
    lon                DOUBLE NOT NULL,
    lat                DOUBLE NOT NULL,
    opened_on          DATE NOT NULL,
    head_name          VARCHAR NOT NULL,
    head_mobile        VARCHAR NOT NULL,
    honorary_head      VARCHAR,
    members            INTEGER NOT NULL CHECK (members >= 0),
    brand_centre       VARCHAR,
    ecommerce_platform VARCHAR,
    talent_workstation BOOLEAN NOT NULL DEFAULT FALSE,
    status             VARCHAR NOT NULL CHECK (status IN ('active', 'suspended')),
    CHECK ((level = 'city') = (sponsor_county IS NULL))
);
COMMENT ON TABLE stations IS '服务站信息库 / the station register: 37 city-level, 209 county-level';
COMMENT ON COLUMN stations.station_id IS '服务站编号 / station id';
COMMENT ON COLUMN stations.name_zh IS '服务站全称 / full name, e.g. 菏泽市返乡创业(拉萨)服务站';
COMMENT ON COLUMN stations.level IS '级别：city 市级 / county 县级 / level';
COMMENT ON COLUMN stations.sponsor_county IS '主办县区（县级站）/ sponsoring county, county-level only';
COMMENT ON COLUMN stations.host_city IS '驻在城市 / host city adcode';
COMMENT ON COLUMN stations.lon IS '经度（WGS84）/ longitude of the station';
COMMENT ON COLUMN stations.lat IS '纬度（WGS84）/ latitude of the station';
COMMENT ON COLUMN stations.opened_on IS '揭牌日期 / date unveiled';
COMMENT ON COLUMN stations.head_name IS '站长姓名（个人信息，展示时脱敏）/ station head, masked on display';
COMMENT ON COLUMN stations.head_mobile IS '站长手机（个人信息，展示时脱敏）/ head''s mobile, masked on display';
COMMENT ON COLUMN stations.honorary_head IS '名誉站长（市级站，脱敏）/ honorary head of city-level stations, masked';
COMMENT ON COLUMN stations.members IS '会员数 / registered members';
COMMENT ON COLUMN stations.brand_centre IS '品牌运营中心 / brand centre run by the station (食安菏泽)';
COMMENT ON COLUMN stations.ecommerce_platform IS '电子商务平台 / e-commerce platform (菏商汇盟)';
COMMENT ON COLUMN stations.talent_workstation IS '是否设招才引智工作站 / hosts a talent-recruitment workstation';
COMMENT ON COLUMN stations.status IS '状态 / active or suspended';

CREATE TABLE parks (
    park_id          INTEGER PRIMARY KEY,
    name_zh          VARCHAR NOT NULL UNIQUE,
    county_code      INTEGER NOT NULL REFERENCES counties (county_code),
    township         VARCHAR,
    kind             VARCHAR NOT NULL CHECK (kind IN ('incubator', 'park', 'base')),
    opened_on        DATE,
    floor_area_m2    INTEGER,
    focus_industries VARCHAR NOT NULL,
    incubation_years INTEGER,
    free_premises    BOOLEAN NOT NULL DEFAULT FALSE,
    status           VARCHAR NOT NULL CHECK (status IN ('operating', 'building')),
    lon              DOUBLE NOT NULL,
    lat              DOUBLE NOT NULL
);
COMMENT ON TABLE parks IS '园区(基地)信息库 / parks and incubation bases';
COMMENT ON COLUMN parks.park_id IS '园区编号 / park id';
COMMENT ON COLUMN parks.name_zh IS '园区名称 / park name';
COMMENT ON COLUMN parks.county_code IS '所在县区 / county adcode';
COMMENT ON COLUMN parks.township IS '所在乡镇 / township';
COMMENT ON COLUMN parks.kind IS '类型：incubator 孵化基地, park 创业园, base 产业基地 / kind';
COMMENT ON COLUMN parks.opened_on IS '启用日期（在建为空）/ opening date, empty while building';
COMMENT ON COLUMN parks.floor_area_m2 IS '建筑面积（平方米）/ floor area in m²';
COMMENT ON COLUMN parks.focus_industries IS '重点产业代码，逗号分隔 / focus industry codes, comma-separated';
COMMENT ON COLUMN parks.incubation_years IS '孵化期（年）/ incubation term in years';
COMMENT ON COLUMN parks.free_premises IS '是否免费提供场地 / premises free of charge';
COMMENT ON COLUMN parks.status IS '状态：operating 运营, building 在建 / status';
COMMENT ON COLUMN parks.lon IS '经度（WGS84）/ longitude';
COMMENT ON COLUMN parks.lat IS '纬度（WGS84）/ latitude';

CREATE TABLE outside_people (
    person_id        INTEGER PRIMARY KEY,
    name             VARCHAR NOT NULL,
    id_number        VARCHAR NOT NULL,
    mobile           VARCHAR NOT NULL,
    gender           VARCHAR NOT NULL CHECK (gender IN ('M', 'F')),
    birth_date       DATE NOT NULL,
    home_county      INTEGER NOT NULL REFERENCES counties (county_code),
    home_township    INTEGER NOT NULL REFERENCES townships (township_id),
    host_city        INTEGER NOT NULL REFERENCES host_cities (city_code),
    industry_code    VARCHAR NOT NULL REFERENCES industries (industry_code),
    identity         VARCHAR NOT NULL CHECK (identity IN ('entrepreneur', 'worker', 'graduate', 'veteran', 'talent')),
    enterprise_size  VARCHAR CHECK (enterprise_size IN ('micro', 'small', 'medium', 'large')),
    return_intention VARCHAR NOT NULL CHECK (return_intention IN ('yes', 'undecided', 'no')),
    station_id       INTEGER REFERENCES stations (station_id),
    registered_on    DATE NOT NULL
);
COMMENT ON TABLE outside_people IS '在外人员信息库 / Heze people working elsewhere, as registered';
COMMENT ON COLUMN outside_people.person_id IS '人员编号 / person id';
COMMENT ON COLUMN outside_people.name IS '姓名（个人信息，展示时脱敏）/ name, masked on display';
COMMENT ON COLUMN outside_people.id_number IS '身份证号（个人信息，展示时脱敏）/ 18-digit ID number, masked';
COMMENT ON COLUMN outside_people.mobile IS '手机号（个人信息，展示时脱敏）/ mobile number, masked';
COMMENT ON COLUMN outside_people.gender IS '性别 / gender M or F';
COMMENT ON COLUMN outside_people.birth_date IS '出生日期 / date of birth';
COMMENT ON COLUMN outside_people.home_county IS '户籍县区 / home county adcode';
COMMENT ON COLUMN outside_people.home_township IS '户籍乡镇 / home township id';
COMMENT ON COLUMN outside_people.host_city IS '在外所在城市 / city where they work';
COMMENT ON COLUMN outside_people.industry_code IS '从事行业 / industry they work in';
COMMENT ON COLUMN outside_people.identity IS '身份：entrepreneur 企业家, worker 务工人员, graduate 高校毕业生, veteran 退役军人, talent 高端人才';
COMMENT ON COLUMN outside_people.enterprise_size IS '所办企业规模（企业家）/ size of their enterprise, entrepreneurs only';
COMMENT ON COLUMN outside_people.return_intention IS '返乡意向：yes 有意向, undecided 观望, no 暂无 / return intention';
COMMENT ON COLUMN outside_people.station_id IS '登记服务站 / station they registered with';
COMMENT ON COLUMN outside_people.registered_on IS '登记日期 / registration date';

CREATE TABLE returnees (
    returnee_id       INTEGER PRIMARY KEY,
    name              VARCHAR NOT NULL,
    id_number         VARCHAR NOT NULL,
    mobile            VARCHAR NOT NULL,
    gender            VARCHAR NOT NULL CHECK (gender IN ('M', 'F')),
    age               INTEGER NOT NULL CHECK (age BETWEEN 16 AND 80),
    person_group      VARCHAR NOT NULL CHECK (person_group IN ('entrepreneur', 'worker', 'graduate', 'veteran', 'talent')),
    returned_on       DATE NOT NULL,
    from_city         INTEGER NOT NULL REFERENCES host_cities (city_code),
    county_code       INTEGER NOT NULL REFERENCES counties (county_code),
    township_id       INTEGER NOT NULL REFERENCES townships (township_id),
    industry_code     VARCHAR NOT NULL REFERENCES industries (industry_code),
    outcome           VARCHAR NOT NULL CHECK (outcome IN ('business', 'job')),
    outside_person_id INTEGER REFERENCES outside_people (person_id),
    station_id        INTEGER REFERENCES stations (station_id),
    support           VARCHAR NOT NULL CHECK (support IN ('loan', 'subsidy', 'premises', 'training', 'none'))
);
COMMENT ON TABLE returnees IS '返乡创业人员信息库 / people who came home to start a business or take a job';
COMMENT ON COLUMN returnees.returnee_id IS '返乡人员编号 / returnee id';
COMMENT ON COLUMN returnees.name IS '姓名（个人信息，展示时脱敏）/ name, masked on display';
COMMENT ON COLUMN returnees.id_number IS '身份证号（个人信息，展示时脱敏）/ ID number, masked';
COMMENT ON COLUMN returnees.mobile IS '手机号（个人信息，展示时脱敏）/ mobile, masked';
COMMENT ON COLUMN returnees.gender IS '性别 / gender';
COMMENT ON COLUMN returnees.age IS '返乡时年龄 / age when they returned';
COMMENT ON COLUMN returnees.person_group IS '群体：企业家、务工人员(农民工)、高校毕业生、退役军人、高端人才 / group';
COMMENT ON COLUMN returnees.returned_on IS '返乡日期 / date of return';
COMMENT ON COLUMN returnees.from_city IS '返乡前所在城市 / city they came back from';
COMMENT ON COLUMN returnees.county_code IS '返乡所在县区 / county they returned to';
COMMENT ON COLUMN returnees.township_id IS '返乡所在乡镇 / township they returned to';
COMMENT ON COLUMN returnees.industry_code IS '创业就业行业 / industry of their business or job';
COMMENT ON COLUMN returnees.outcome IS '创业 business（领办创办经济实体）或 就业 job / outcome';
COMMENT ON COLUMN returnees.outside_person_id IS '对应在外人员登记（如有）/ link to the outside register';
COMMENT ON COLUMN returnees.station_id IS '推荐服务站（如有）/ station that referred them';
COMMENT ON COLUMN returnees.support IS '享受扶持：loan 创业担保贷款, subsidy 补贴, premises 场地, training 培训, none';

CREATE TABLE entities (
    entity_id          INTEGER PRIMARY KEY,
    name_zh            VARCHAR NOT NULL,
    entity_type        VARCHAR NOT NULL CHECK (entity_type IN ('enterprise', 'individual', 'cooperative', 'family_farm')),
    returnee_id        INTEGER NOT NULL REFERENCES returnees (returnee_id),
    county_code        INTEGER NOT NULL REFERENCES counties (county_code),
    industry_code      VARCHAR NOT NULL REFERENCES industries (industry_code),
    park_id            INTEGER REFERENCES parks (park_id),
    founded_on         DATE NOT NULL,
    registered_capital INTEGER NOT NULL CHECK (registered_capital >= 0),
    jobs               INTEGER NOT NULL CHECK (jobs >= 0)
);
COMMENT ON TABLE entities IS '经济实体 / businesses returnees founded or lead (领办创办经济实体)';
COMMENT ON COLUMN entities.entity_id IS '实体编号 / entity id';
COMMENT ON COLUMN entities.name_zh IS '实体名称 / registered name';
COMMENT ON COLUMN entities.entity_type IS '类型：enterprise 企业, individual 个体工商户, cooperative 农民专业合作社, family_farm 家庭农场';
COMMENT ON COLUMN entities.returnee_id IS '创办人 / founding returnee';
COMMENT ON COLUMN entities.county_code IS '所在县区 / county';
COMMENT ON COLUMN entities.industry_code IS '所属产业 / industry';
COMMENT ON COLUMN entities.park_id IS '入驻园区（如有）/ park it is a tenant of';
COMMENT ON COLUMN entities.founded_on IS '成立日期 / founding date';
COMMENT ON COLUMN entities.registered_capital IS '注册资本（万元）/ registered capital in 万元';
COMMENT ON COLUMN entities.jobs IS '带动就业人数 / jobs it provides (带动就业)';

CREATE TABLE projects (
    project_id    INTEGER PRIMARY KEY,
    name_zh       VARCHAR NOT NULL,
    county_code   INTEGER NOT NULL REFERENCES counties (county_code),
    park_id       INTEGER REFERENCES parks (park_id),
    industry_code VARCHAR NOT NULL REFERENCES industries (industry_code),
    investment    INTEGER NOT NULL CHECK (investment > 0),
    stage         VARCHAR NOT NULL CHECK (stage IN ('negotiating', 'signed', 'building', 'operating')),
    signed_on     DATE,
    landed_on     DATE,
    station_id    INTEGER REFERENCES stations (station_id),
    investor      VARCHAR NOT NULL,
    CHECK ((stage IN ('building', 'operating')) = (landed_on IS NOT NULL)),
    CHECK (stage = 'negotiating' OR signed_on IS NOT NULL),
    CHECK (landed_on IS NULL OR landed_on >= signed_on)
);
COMMENT ON TABLE projects IS '项目信息库 / return-home projects';
COMMENT ON COLUMN projects.project_id IS '项目编号 / project id';
COMMENT ON COLUMN projects.name_zh IS '项目名称 / project name';
COMMENT ON COLUMN projects.county_code IS '落地县区 / county';
COMMENT ON COLUMN projects.park_id IS '所在园区（如有）/ park';
COMMENT ON COLUMN projects.industry_code IS '所属产业 / industry';
COMMENT ON COLUMN projects.investment IS '总投资（万元）/ total investment in 万元';
COMMENT ON COLUMN projects.stage IS '阶段：negotiating 洽谈, signed 签约, building 在建, operating 投产 / stage';
COMMENT ON COLUMN projects.signed_on IS '签约日期 / signing date';
COMMENT ON COLUMN projects.landed_on IS '落地（开工）日期，在建或投产才有 / landing date';
COMMENT ON COLUMN projects.station_id IS '推荐引进的服务站（如有）/ recommending station';
COMMENT ON COLUMN projects.investor IS '投资方（个人时脱敏）/ investor, masked when a person';

CREATE TABLE activities (
    activity_id INTEGER PRIMARY KEY,
    kind        VARCHAR NOT NULL CHECK (kind IN ('mobilisation', 'job_fair', 'promotion', 'forum', 'donation')),
    title       VARCHAR NOT NULL,
    held_on     DATE NOT NULL,
    station_id  INTEGER REFERENCES stations (station_id),
    entity_id   INTEGER REFERENCES entities (entity_id),
    attendees   INTEGER NOT NULL DEFAULT 0 CHECK (attendees >= 0),
    amount_yuan BIGINT NOT NULL DEFAULT 0 CHECK (amount_yuan >= 0),
    CHECK (station_id IS NOT NULL OR entity_id IS NOT NULL)
);
COMMENT ON TABLE activities IS '活动与捐赠 / station events and donations';
COMMENT ON COLUMN activities.activity_id IS '活动编号 / activity id';
COMMENT ON COLUMN activities.kind IS '类型：mobilisation 走访动员, job_fair 招聘会, promotion 推介会, forum 座谈会, donation 捐款捐物';
COMMENT ON COLUMN activities.title IS '活动名称 / title';
COMMENT ON COLUMN activities.held_on IS '日期 / date';
COMMENT ON COLUMN activities.station_id IS '服务站（如有）/ station';
COMMENT ON COLUMN activities.entity_id IS '捐赠企业（返乡创业企业捐赠时）/ donating returnee business';
COMMENT ON COLUMN activities.attendees IS '参加人数 / attendees';
COMMENT ON COLUMN activities.amount_yuan IS '捐款捐物折合金额（元）/ value of money and goods donated, yuan';
